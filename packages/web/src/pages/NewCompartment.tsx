/**
 * Creating a compartment (admins): its id (the system user becomes qm-<id>) and a description; then on to its
 * editor to add units.
 */
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api/client';
import { keys } from '../api/queries';
import { Button, Card, ErrorBox, TextField } from '../components/ui';
import { t } from '../i18n/t';

/** As the server's CompartmentIdSchema (core/ids.ts): checked here to say so while typing. */
const ID = /^[a-z](?:[a-z0-9]|-(?!-)){0,31}$/;
const validId = (id: string) => ID.test(id) && !id.endsWith('-');

export function NewCompartment() {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [id, setId] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const bad = id !== '' && !validId(id);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api.POST('/api/compartments', { body: { id, ...(description ? { description } : {}) } });
      await qc.invalidateQueries({ queryKey: keys.compartments });
      navigate(`/c/${encodeURIComponent(id)}/edit`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={t('newCompartment.title')}>
      <form onSubmit={submit} className="grid gap-3 sm:grid-cols-[1fr_2fr_auto] sm:items-start">
        <TextField
          id="new-compartment-id"
          label={t('newCompartment.id')}
          hint={bad ? t('newCompartment.badId') : t('newCompartment.idHint', { user: `qm-${id || '…'}` })}
          aria-invalid={bad}
          required
          className="font-mono"
          autoCapitalize="off"
          spellCheck={false}
          value={id}
          onChange={(e) => setId(e.target.value)}
        />
        <TextField
          id="new-compartment-description"
          label={t('newCompartment.description')}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
        <Button type="submit" variant="primary" className="sm:mt-6" disabled={busy || bad || id === ''}>
          {t('newCompartment.create')}
        </Button>
      </form>
      {error !== undefined && (
        <div className="mt-3">
          <ErrorBox error={error} />
        </div>
      )}
    </Card>
  );
}
