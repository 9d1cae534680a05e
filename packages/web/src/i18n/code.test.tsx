/**
 * withCode: backtick spans of a help text become <code> elements; everything else, markup included, stays text.
 */
import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { TextField } from '../components/ui';
import { withCode } from './code';
import { t } from './t';

const html = (text: string) => render(<p>{withCode(text)}</p>).container.firstElementChild!;

describe('withCode', () => {
  it('returns a text without backticks as it is', () => {
    expect(withCode('At least 12 characters.')).toBe('At least 12 characters.');
  });

  it('renders each `span` as a <code> element between the text around it', () => {
    const p = html('Run `quadletman serve` or `podman login` now');
    expect([...p.querySelectorAll('code')].map((c) => c.textContent)).toEqual(['quadletman serve', 'podman login']);
    expect(p.textContent).toBe('Run quadletman serve or podman login now');
    expect(p.innerHTML).toBe(
      'Run <code class="rounded bg-zinc-100 px-0.5 font-mono dark:bg-zinc-800">quadletman serve</code> or ' +
        '<code class="rounded bg-zinc-100 px-0.5 font-mono dark:bg-zinc-800">podman login</code> now',
    );
  });

  it('handles code at the start and the end', () => {
    const p = html('`*` for every compartment, or `id`');
    expect([...p.querySelectorAll('code')].map((c) => c.textContent)).toEqual(['*', 'id']);
    expect(p.textContent).toBe('* for every compartment, or id');
  });

  it('keeps a lone backtick and an empty pair as text', () => {
    expect(html('a ` b').innerHTML).toBe('a ` b');
    expect(html('a `` b').innerHTML).toBe('a `` b');
  });

  it('never interprets HTML, inside code or out', () => {
    const p = html('<img src=x onerror=alert(1)> `<script>alert(1)</script>` &amp;');
    expect(p.querySelector('img')).toBeNull();
    expect(p.querySelector('script')).toBeNull();
    expect(p.querySelector('code')!.textContent).toBe('<script>alert(1)</script>');
    expect(p.textContent).toBe('<img src=x onerror=alert(1)> <script>alert(1)</script> &amp;');
  });

  it('is used for the hints of text fields', () => {
    const { container } = render(<TextField id="token" label="Setup token" hint={t('setup.tokenHint')} />);
    const hint = container.querySelector('#token-hint')!;
    expect(hint.querySelector('code')!.textContent).toBe('scripts/run.sh');
    expect(hint.textContent).toMatch(
      /^Printed as "Setup token \(one use\)" by the command that started the server \(scripts\/run\.sh or quadletman serve\);/,
    );
  });
});
