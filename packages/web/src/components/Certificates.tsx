/**
 * Uploaded certificates (GET /api/edge's `certificates`): each with the hosts it names and serves and until when;
 * for admins an upload form (the PEM chain and its key, pasted or read from files) and a Remove button. The key
 * goes to the server once and is never shown again.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api, data } from '../api/client';
import { keys } from '../api/queries';
import type { EdgeStatus } from '../api/types';
import { withCode } from '../i18n/code';
import { t } from '../i18n/t';
import { Button, Card, ErrorBox, inputClass } from './ui';

type Uploaded = EdgeStatus['certificates'][number];

function PemField({
  id,
  label,
  value,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
}) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <textarea
        id={id}
        className={`${inputClass} min-h-28 font-mono text-xs`}
        spellCheck={false}
        autoComplete="off"
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
      <input
        type="file"
        aria-label={t('certs.fromFile', { what: label })}
        className="text-xs"
        accept=".pem,.crt,.key,.cer,text/plain"
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) void f.text().then(onChange);
        }}
      />
    </div>
  );
}

export function CertificatesCard({ certificates, admin }: { certificates: readonly Uploaded[]; admin: boolean }) {
  const uid = useId();
  const qc = useQueryClient();
  const [certificate, setCertificate] = useState('');
  const [key, setKey] = useState('');
  const refresh = () => void qc.invalidateQueries({ queryKey: keys.edge });
  const upload = useMutation({
    mutationFn: () => data(api.POST('/api/edge/certificates', { body: { certificate, key } })),
    onSuccess: () => {
      setCertificate('');
      setKey('');
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (fingerprint: string) =>
      api.DELETE('/api/edge/certificates/{fingerprint}', { params: { path: { fingerprint } } }),
    onSuccess: refresh,
  });
  return (
    <Card title={t('certs.title')}>
      <div className="flex flex-col gap-3 text-sm">
        <p>{withCode(t('certs.explain'))}</p>
        {certificates.length === 0 ? (
          <p>{t('certs.none')}</p>
        ) : (
          <ul className="flex flex-col gap-2" aria-label={t('certs.list')}>
            {certificates.map((c) => (
              <li
                key={c.fingerprint}
                className="flex flex-wrap items-start justify-between gap-2 border-t border-zinc-200 pt-2 dark:border-zinc-800"
              >
                <div className="flex flex-col gap-0.5">
                  <span className="font-mono">{c.hosts.join(', ')}</span>
                  <span className="text-zinc-600 dark:text-zinc-400">
                    {t('certs.serves', { hosts: c.serves?.join(', ') || t('certs.servesNone') })}
                  </span>
                  <span className="text-zinc-600 dark:text-zinc-400">
                    {t('certs.valid', { issuer: c.issuer, until: new Date(c.validTo).toLocaleDateString() })}
                  </span>
                  <span className="break-all font-mono text-xs text-zinc-500">{c.fingerprint}</span>
                </div>
                {admin && (
                  <Button disabled={remove.isPending} onClick={() => remove.mutate(c.fingerprint)}>
                    {t('certs.remove')}
                    <span className="sr-only"> {c.hosts.join(', ')}</span>
                  </Button>
                )}
              </li>
            ))}
          </ul>
        )}
        {remove.isError && <ErrorBox error={remove.error} />}
        {admin && (
          <form
            className="flex flex-col gap-3 border-t border-zinc-200 pt-3 dark:border-zinc-800"
            aria-labelledby={`${uid}-title`}
            onSubmit={(e) => {
              e.preventDefault();
              if (certificate.trim() && key.trim()) upload.mutate();
            }}
          >
            <h3 id={`${uid}-title`} className="font-semibold">
              {t('certs.upload')}
            </h3>
            <div className="grid gap-3 md:grid-cols-2">
              <PemField
                id={`${uid}-cert`}
                label={t('certs.certificate')}
                value={certificate}
                onChange={setCertificate}
              />
              <PemField id={`${uid}-key`} label={t('certs.key')} value={key} onChange={setKey} />
            </div>
            {upload.isError && <ErrorBox error={upload.error} />}
            {upload.isSuccess && <p role="status">{t('certs.uploaded', { hosts: upload.data.hosts.join(', ') })}</p>}
            <div>
              <Button type="submit" variant="primary" disabled={upload.isPending || !certificate.trim() || !key.trim()}>
                {t('certs.submit')}
              </Button>
            </div>
          </form>
        )}
      </div>
    </Card>
  );
}
