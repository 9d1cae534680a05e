/**
 * A terminal into a running container: xterm.js over the server's WebSocket (`podman exec -it` as the
 * compartment's user). Keystrokes go out as text; `{"type":"resize","cols","rows"}` follows the window size.
 */
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import { url, WEBSOCKET_PATHS } from '../../api/client';
import { useCompartment } from '../../api/queries';
import { useTheme } from '../../app/theme';
import { isRunningContainer } from '../../components/states';
import { Button, inputClass, NotAvailable } from '../../components/ui';
import { t } from '../../i18n/t';

type Conn = 'idle' | 'connecting' | 'open' | 'closed' | 'unavailable';

function wsUrl(path: string): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}${path}`;
}

function Console({ id, container, onState }: { id: string; container: string; onState: (s: Conn) => void }) {
  const host = useRef<HTMLDivElement>(null);
  const { dark } = useTheme();
  useEffect(() => {
    const term = new Terminal({
      cursorBlink: true,
      fontSize: 13,
      screenReaderMode: true,
      theme: dark ? { background: '#09090b' } : { background: '#ffffff', foreground: '#18181b', cursor: '#18181b' },
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(host.current!);
    fit.fit();
    onState('connecting');
    const ws = new WebSocket(
      wsUrl(url(WEBSOCKET_PATHS.terminal, { id, name: container }, { cols: term.cols, rows: term.rows })),
    );
    let opened = false;
    const sendSize = () => {
      if (ws.readyState === WebSocket.OPEN)
        ws.send(JSON.stringify({ type: 'resize', cols: term.cols, rows: term.rows }));
    };
    ws.onopen = () => {
      opened = true;
      onState('open');
      sendSize();
      term.focus();
    };
    ws.binaryType = 'arraybuffer';
    ws.onmessage = (e) => {
      if (typeof e.data !== 'string') {
        term.write(new Uint8Array(e.data as ArrayBuffer));
        return;
      }
      // Text frames are control messages: {type: 'error', message} or {type: 'exit', exitCode}.
      try {
        const m = JSON.parse(e.data) as { type: string; message?: string; exitCode?: number };
        if (m.type === 'exit') term.write(`\r\n${t('terminal.exited', { code: m.exitCode ?? '?' })}\r\n`);
        else if (m.type === 'error') term.write(`\r\n${m.message ?? ''}\r\n`);
      } catch {
        term.write(e.data);
      }
    };
    ws.onclose = () => onState(opened ? 'closed' : 'unavailable');
    const input = term.onData((d) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'input', data: d }));
    });
    const onResize = () => {
      fit.fit();
      sendSize();
    };
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      input.dispose();
      ws.close();
      term.dispose();
    };
  }, [id, container, dark, onState]);
  return <div ref={host} className="h-[60vh] rounded-md border border-zinc-300 p-1 dark:border-zinc-700" />;
}

export function TerminalTab({ id }: { id: string }) {
  const detail = useCompartment(id);
  const running = (detail.data?.units ?? []).filter(isRunningContainer);
  const [container, setContainer] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const [state, setState] = useState<Conn>('idle');
  return (
    <div className="flex flex-col gap-3">
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          setOpen(container || null);
        }}
      >
        <label className="flex flex-col gap-1 text-sm">
          {t('terminal.container')}
          <select className={inputClass} value={container} onChange={(e) => setContainer(e.target.value)}>
            <option value="">{t('terminal.choose')}</option>
            {running.map((u) => {
              const name = u.source.replace(/\.container$/, '');
              return (
                <option key={u.unit} value={name}>
                  {name}
                </option>
              );
            })}
          </select>
        </label>
        <Button type="submit" variant="primary" disabled={!container}>
          {t('terminal.connect')}
        </Button>
        {open && <Button onClick={() => setOpen(null)}>{t('terminal.disconnect')}</Button>}
        <span className="text-sm" aria-live="polite">
          {state !== 'idle' && t(`terminal.${state}`)}
        </span>
      </form>
      {running.length === 0 && <p className="text-sm">{t('terminal.noneRunning')}</p>}
      {state === 'unavailable' && <NotAvailable what={t('compartment.terminal')} />}
      {open && <Console key={open} id={id} container={open} onState={setState} />}
    </div>
  );
}
