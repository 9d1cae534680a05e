/**
 * The Backups tab's Repository card against a faked server: none set; an SFTP repository with the public key to
 * add and the host keys to check; an admin sets a location and sees its password once (and the replaced one's);
 * a refused location shows the server's message under the field; an operator reads only; a REST or S3 location
 * asks for its user and secret (sent with it, and a refused one said under the fields).
 */
import { fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderTab } from '../../test-support/compartment-tab';
import { type Answer, type Call, changes, fakeApi } from '../../test-support/fake-api';
import { BackupRepositoryCard } from './BackupRepository';

const R = '/api/compartments/shop/backups/repository';
const SFTP = {
  location: 'sftp:bk@nas:/srv/restic/shop',
  kind: 'sftp',
  publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB quadletman-qm-shop',
  hostKeys: ['256 SHA256:7fQv0xk nas (ED25519)'],
};

function serve(initial: unknown, put?: (body: unknown) => Answer): Call[] {
  let current = initial;
  return fakeApi((c: Call): Answer => {
    if (c.path === R && c.method === 'GET') return [200, current];
    if (c.path === R && c.method === 'PUT') {
      const a = put?.(c.body);
      if (a) return a;
      const b = c.body as { location: string; replace: boolean };
      current = { ...SFTP, location: b.location };
      return [
        200,
        {
          ...SFTP,
          location: b.location,
          password: 'new-password-0123456789',
          ...(b.replace ? { previous: { location: '/old', password: 'old-password-9876543210' } } : {}),
        },
      ];
    }
    return undefined;
  });
}

afterEach(() => vi.unstubAllGlobals());

const card = (admin: boolean) => renderTab('shop', {}, <BackupRepositoryCard id="shop" admin={admin} />);

describe('backup repository card', () => {
  it('says none is set; an operator gets no form', async () => {
    serve(null);
    card(false);
    expect(await screen.findByText(/None set: the first backup makes one/)).toBeTruthy();
    expect(screen.queryByLabelText('Location')).toBeNull();
  });

  it('shows an SFTP repository: the public key to add, with a copy button, and the host keys to check', async () => {
    serve(SFTP);
    const writeText = vi.fn(async () => undefined);
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    card(false);
    const details = await screen.findByTestId('repository-details');
    expect(details.textContent).toContain('sftp:bk@nas:/srv/restic/shop (SFTP)');
    expect(screen.getByTestId('public-key').textContent).toBe(SFTP.publicKey);
    expect(within(screen.getByTestId('host-keys')).getByText(SFTP.hostKeys[0]!)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Copy the public key' }));
    expect(await screen.findByText('Copied.')).toBeTruthy();
    expect(writeText).toHaveBeenCalledWith(SFTP.publicKey);
  });

  it("an admin sets a location; the server's refusal shows under the field, then the password once", async () => {
    const calls = serve({ location: '/h/qm-shop/.local/share/quadletman/restic', kind: 'local' }, (b) =>
      (b as { location: string }).location.includes('-o')
        ? [
            400,
            {
              error: {
                code: 'invalid',
                message: 'location: the host "-oProxyCommand=sh" is not a host name or address',
                details: {
                  issues: [{ path: 'location', message: 'the host "-oProxyCommand=sh" is not a host name or address' }],
                },
              },
            },
          ]
        : undefined,
    );
    card(true);
    const location = await screen.findByLabelText('Location');
    fireEvent.change(location, { target: { value: 'sftp:bk@-oProxyCommand=sh:/x' } });
    fireEvent.click(screen.getByRole('button', { name: 'Set location' }));
    expect(await screen.findByText(/is not a host name or address/)).toBeTruthy();
    expect(location.getAttribute('aria-invalid')).toBe('true');

    fireEvent.change(location, { target: { value: 'sftp:bk@nas:/srv/restic/shop' } });
    fireEvent.click(screen.getByLabelText(/^Replace the repository/));
    fireEvent.click(screen.getByRole('button', { name: 'Set location' }));
    const once = await screen.findByTestId('repository-password');
    expect(once.textContent).toContain('new-password-0123456789');
    expect(once.textContent).toContain('old-password-9876543210');
    expect(screen.getByTestId('repository-set').textContent).toMatch(/Add the public key above/);
    expect(changes(calls).map((c) => c.body)).toEqual([
      { location: 'sftp:bk@-oProxyCommand=sh:/x', replace: false },
      { location: 'sftp:bk@nas:/srv/restic/shop', replace: true },
    ]);
    // the view follows: the key to add is shown
    expect(await screen.findByTestId('public-key')).toBeTruthy();
  });

  it('asks a REST or S3 location for its user and secret, and sends them with it', async () => {
    const calls = serve(null, (b) =>
      (b as { location: string }).location.startsWith('s3:') && !(b as { credentials?: unknown }).credentials
        ? [
            400,
            {
              error: {
                code: 'invalid',
                message: 'credentials: an s3: location needs the access key id and secret access key',
                details: {
                  issues: [
                    { path: 'credentials', message: 'an s3: location needs the access key id and secret access key' },
                  ],
                },
              },
            },
          ]
        : [200, { location: (b as { location: string }).location, kind: 's3', password: 'new-password-0123456789' }],
    );
    card(true);
    const location = await screen.findByLabelText('Location');
    expect(screen.queryByTestId('repository-credentials')).toBeNull();
    fireEvent.change(location, { target: { value: 's3:https://s3.example/bkp/shop' } });
    const fields = screen.getByTestId('repository-credentials');
    expect(fields.textContent).toContain('The S3 access key');
    fireEvent.click(screen.getByRole('button', { name: 'Set location' }));
    expect(await screen.findByText('an s3: location needs the access key id and secret access key')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Access key id'), { target: { value: 'AKIA1' } });
    const secret = screen.getByLabelText('Secret access key');
    expect(secret.getAttribute('type')).toBe('password');
    fireEvent.change(secret, { target: { value: 'Zq9secret' } });
    fireEvent.click(screen.getByRole('button', { name: 'Set location' }));
    expect(await screen.findByTestId('repository-password')).toBeTruthy();
    expect(changes(calls).map((c) => c.body)).toEqual([
      { location: 's3:https://s3.example/bkp/shop', replace: false },
      {
        location: 's3:https://s3.example/bkp/shop',
        replace: false,
        credentials: { user: 'AKIA1', secret: 'Zq9secret' },
      },
    ]);
    // a REST location names its login
    fireEvent.change(screen.getByLabelText('Location'), { target: { value: 'rest:https://bk:8000/shop' } });
    expect(screen.getByTestId('repository-credentials').textContent).toContain("The REST server's login");
    expect(screen.getByLabelText('Password')).toBeTruthy();
  });
});
