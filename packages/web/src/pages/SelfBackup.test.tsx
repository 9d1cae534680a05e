/**
 * The "Own backups" page against a faked server: none set (the command that sets one, "Back up now" disabled), an
 * SFTP repository with root's key and the host's keys, the timer and a failed last run with why, the snapshots newest
 * first, and "Back up now": it starts the run, shows it running until the server says it ended, then the new
 * snapshot; a refusal shows the server's message.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SelfBackupStatus } from '../api/types';
import { makeQueryClient } from '../app/App';
import { type Answer, fakeApi } from '../test-support/fake-api';
import { SelfBackupPage } from './SelfBackup';

const snap = (id: string, time: string) => ({
  id: id.repeat(64 / id.length),
  shortId: id.repeat(8 / id.length),
  time,
  paths: ['/var/lib/quadletman-self-backup/self-backup-stage'],
  tags: ['quadletman-self', 'schema=0012_backup_check'],
  size: 2_500_000,
  added: 40_000,
  durationS: 1.4,
});

const SET: SelfBackupStatus = {
  repository: {
    location: 'sftp:keeper@nas.example.test:quadletman',
    kind: 'sftp',
    createdAt: '2026-12-01T02:00:00.000Z',
    publicKey: 'ssh-ed25519 AAAAC3Nza quadletman-self-backup',
    hostKeys: ['256 SHA256:hostkeyfingerprint nas.example.test (ED25519)'],
  },
  snapshots: [snap('a', '2026-12-04T02:10:00Z')],
  lastRun: {
    startedAt: '2026-12-05T02:10:00.000Z',
    finishedAt: '2026-12-05T02:10:03.000Z',
    ok: false,
    scheduled: true,
    error: 'Fatal: unable to open repository: ssh: connect to host nas.example.test port 22: No route to host',
  },
  schedule: { installed: true, next: '2026-12-06T02:21:00.000Z', running: false },
};

function serve(initial: SelfBackupStatus, start: 'ok' | 'refused' = 'ok') {
  let status = initial;
  let polls = 0;
  return fakeApi((c): Answer => {
    if (c.path === '/api/system/self-backup' && c.method === 'GET') {
      // a run started: running for one poll, then done with a new snapshot
      if (status.schedule.running && ++polls > 1)
        status = {
          ...status,
          schedule: { ...status.schedule, running: false },
          snapshots: [snap('b', '2026-12-05T09:00:00Z'), ...status.snapshots],
          lastRun: {
            startedAt: '2026-12-05T09:00:00.000Z',
            finishedAt: '2026-12-05T09:00:02.000Z',
            ok: true,
            scheduled: false,
            removed: 2,
            snapshot: 'b'.repeat(64),
          },
        };
      return [200, status];
    }
    if (c.path === '/api/system/self-backup/run' && c.method === 'POST') {
      if (start === 'refused')
        return [409, { error: { code: 'conflict', message: 'quadletman-self-backup.service is not installed' } }];
      status = { ...status, schedule: { ...status.schedule, running: true } };
      return [202, { started: true }];
    }
    return undefined;
  });
}

const renderPage = () =>
  render(
    <QueryClientProvider client={makeQueryClient()}>
      <MemoryRouter>
        <SelfBackupPage />
      </MemoryRouter>
    </QueryClientProvider>,
  );

afterEach(() => vi.unstubAllGlobals());

describe("quadletman's own backups page", () => {
  it('without a repository: says how to set one, and "Back up now" waits for it', async () => {
    serve({
      repository: null,
      snapshots: [],
      lastRun: null,
      schedule: { installed: true, next: null, running: false },
    });
    renderPage();
    expect(await screen.findByText('quadletman backup self repository LOCATION')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Back up now' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText('A repository must be set first.')).toBeTruthy();
    expect(screen.getByText('None yet')).toBeTruthy();
  });

  it("shows the SFTP repository with root's key, the timer, why the last run failed, and the snapshots", async () => {
    serve(SET);
    renderPage();
    expect((await screen.findByTestId('self-location')).textContent).toBe('sftp:keeper@nas.example.test:quadletman');
    expect(screen.getByText('ssh-ed25519 AAAAC3Nza quadletman-self-backup')).toBeTruthy();
    expect(screen.getByText('256 SHA256:hostkeyfingerprint nas.example.test (ED25519)')).toBeTruthy();
    expect(screen.getByText('On')).toBeTruthy();
    expect(screen.getByTestId('self-last-run').textContent).toMatch(/Failed.*by the timer.*No route to host/);
    expect(screen.getByText('aaaaaaaa')).toBeTruthy();
    expect(screen.getByText('quadletman-self schema=0012_backup_check')).toBeTruthy();
  });

  it('"Back up now" starts the run, shows it running, then its snapshot and outcome', async () => {
    const calls = serve(SET);
    renderPage();
    fireEvent.click(await screen.findByRole('button', { name: 'Back up now' }));
    expect(await screen.findByRole('button', { name: 'Backing up…' })).toBeTruthy();
    await waitFor(() => expect(screen.getByText('bbbbbbbb')).toBeTruthy(), { timeout: 12_000 });
    expect(screen.getByTestId('self-last-run').textContent).toMatch(
      /Done.*started by hand.*2 old snapshot\(s\) removed/,
    );
    expect(screen.getByRole('button', { name: 'Back up now' })).toBeTruthy();
    expect(calls.filter((c) => c.method === 'POST' && c.path === '/api/system/self-backup/run')).toHaveLength(1);
  }, 20_000);

  it("a refused start shows the server's message", async () => {
    serve(SET, 'refused');
    renderPage();
    fireEvent.click(await screen.findByRole('button', { name: 'Back up now' }));
    expect(await screen.findByText(/quadletman-self-backup.service is not installed/)).toBeTruthy();
  });
});
