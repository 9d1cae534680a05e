/**
 * A compartment from `podman run` commands (or `docker run`, `podman create`): paste them as a README gives them,
 * read what became of every option, then create the compartment and apply the spec (ConvertResult). The
 * conversion changes nothing and runs nothing (POST /api/convert/run).
 */
import { type FormEvent, useState } from 'react';
import { api, data } from '../api/client';
import type { ConvertCompose } from '../api/types';
import { Button, Card, ErrorBox, TextField } from '../components/ui';
import { t } from '../i18n/t';
import { TextArea } from './ComposeImport';
import { ConvertResult } from './ConvertResult';

export function RunImport({ canCreate }: { canCreate: boolean }) {
  const [command, setCommand] = useState('');
  const [compartment, setCompartment] = useState('');
  const [result, setResult] = useState<{ n: number; value: ConvertCompose } | undefined>();
  const [error, setError] = useState<unknown>();

  const convert = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setResult(undefined);
    try {
      const body = { command, ...(compartment ? { compartment } : {}) };
      const value = await data(api.POST('/api/convert/run', { body }));
      setResult((r) => ({ n: (r?.n ?? 0) + 1, value }));
    } catch (err) {
      setError(err);
    }
  };

  return (
    <Card title={t('run.title')}>
      <form onSubmit={convert} className="flex flex-col gap-3">
        <p className="text-sm">{t('run.intro')}</p>
        <TextArea
          id="run-command"
          label={t('run.command')}
          hint={t('run.commandHint')}
          value={command}
          onChange={setCommand}
        />
        <TextField
          id="run-compartment"
          label={t('compose.project')}
          hint={t('run.compartmentHint')}
          value={compartment}
          onChange={(e) => setCompartment(e.target.value)}
        />
        <Button type="submit" variant="primary" disabled={!command.trim()}>
          {t('compose.convert')}
        </Button>
      </form>
      {error !== undefined && <ErrorBox error={error} />}
      {result && (
        <ConvertResult
          key={result.n}
          result={result.value}
          canCreate={canCreate}
          heading={t('run.report', { id: result.value.compartment })}
          keyLabel={t('run.option')}
          description="from a podman run command"
          testId="run-result"
        />
      )}
    </Card>
  );
}
