/**
 * Deleting a compartment (admins): its units are stopped and its files, user and store entries removed; its
 * managed volumes only when asked.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../../api/client';
import { keys } from '../../api/queries';
import { Button, ErrorBox } from '../../components/ui';
import { t } from '../../i18n/t';

export function DeleteCompartment({ id }: { id: string }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [volumes, setVolumes] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const remove = async () => {
    if (!window.confirm(t(volumes ? 'compartment.confirmDeleteVolumes' : 'compartment.confirmDelete', { id }))) return;
    setBusy(true);
    setError(undefined);
    try {
      await api.DELETE('/api/compartments/{id}', { params: { path: { id }, query: { volumes } } });
      qc.removeQueries({ queryKey: keys.compartment(id) });
      await qc.invalidateQueries({ queryKey: keys.compartments });
      navigate('/', { replace: true });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="flex flex-col gap-2 rounded-md border border-red-200 p-3 dark:border-red-900">
      <h2 className="font-semibold">{t('compartment.delete')}</h2>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={volumes} onChange={(e) => setVolumes(e.target.checked)} />
        {t('compartment.deleteVolumes')}
      </label>
      <div>
        <Button variant="danger" disabled={busy} onClick={remove}>
          {t('compartment.delete')}
        </Button>
      </div>
      {error !== undefined && <ErrorBox error={error} />}
    </div>
  );
}
