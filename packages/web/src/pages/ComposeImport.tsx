/**
 * A compartment from a compose file: paste the compose file (and its .env), read what became of every key, then
 * create the compartment and apply the spec (ConvertResult). The conversion changes nothing
 * (POST /api/convert/compose).
 */
import { type FormEvent, useState } from 'react';
import { api, data } from '../api/client';
import type { ConvertCompose } from '../api/types';
import { Button, Card, ErrorBox, inputClass, TextField } from '../components/ui';
import { withCode } from '../i18n/code';
import { t } from '../i18n/t';
import { ConvertResult } from './ConvertResult';

export function TextArea(props: {
  id: string;
  label: string;
  hint?: string;
  value: string;
  onChange: (v: string) => void;
}) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={props.id} className="text-sm font-medium">
        {props.label}
      </label>
      <textarea
        id={props.id}
        className={`${inputClass} min-h-32 font-mono text-xs`}
        spellCheck={false}
        value={props.value}
        aria-describedby={props.hint ? `${props.id}-hint` : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.hint && (
        <p id={`${props.id}-hint`} className="text-xs text-zinc-600 dark:text-zinc-400">
          {withCode(props.hint)}
        </p>
      )}
    </div>
  );
}

export function ComposeImport({ canCreate }: { canCreate: boolean }) {
  const [compose, setCompose] = useState('');
  const [dotenv, setDotenv] = useState('');
  const [project, setProject] = useState('');
  const [result, setResult] = useState<{ n: number; value: ConvertCompose } | undefined>();
  const [error, setError] = useState<unknown>();

  const convert = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setResult(undefined);
    try {
      const files = [{ name: 'compose.yaml', text: compose }];
      if (dotenv.trim()) files.push({ name: '.env', text: dotenv });
      const value = await data(api.POST('/api/convert/compose', { body: { files, ...(project ? { project } : {}) } }));
      setResult((r) => ({ n: (r?.n ?? 0) + 1, value }));
    } catch (err) {
      setError(err);
    }
  };

  return (
    <Card title={t('compose.title')}>
      <form onSubmit={convert} className="flex flex-col gap-3">
        <p className="text-sm">{t('compose.intro')}</p>
        <TextArea id="compose-file" label="compose.yaml" value={compose} onChange={setCompose} />
        <TextArea id="compose-env" label=".env" hint={t('compose.envHint')} value={dotenv} onChange={setDotenv} />
        <TextField
          id="compose-project"
          label={t('compose.project')}
          hint={t('compose.projectHint')}
          value={project}
          onChange={(e) => setProject(e.target.value)}
        />
        <Button type="submit" variant="primary" disabled={!compose.trim()}>
          {t('compose.convert')}
        </Button>
      </form>
      {error !== undefined && <ErrorBox error={error} />}
      {result && (
        <ConvertResult
          key={result.n}
          result={result.value}
          canCreate={canCreate}
          heading={t('compose.report', { id: result.value.compartment })}
          keyLabel={t('compose.key')}
          description="from a compose file"
          testId="compose-result"
        />
      )}
    </Card>
  );
}
