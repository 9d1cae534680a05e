// The golden fixtures (fixtures/<name>/): a pasted command (command.sh) with optional convert options
// (options.json: { compartment, podmanVersion }), and random commands of options of every kind. Shared by the
// golden, unit and oracle tests, which hand in how to read (tests may touch the disk; this module may not).
import { join } from 'node:path';
import fc from 'fast-check';
import type { RunConvertOptions } from './convert.js';

export const FIXTURES = join(__dirname, 'fixtures');
/** The fixtures (the golden test checks that these are all the folders there are). */
export const FIXTURE_NAMES = ['docker', 'podman-only', 'web', 'wiki'];

export type ReadText = (path: string) => string | undefined;

export function fixtureInput(name: string, readText: ReadText): { text: string; options: RunConvertOptions } {
  const text = readText(join(FIXTURES, name, 'command.sh'));
  if (text === undefined) throw new Error(`fixture ${name} has no command.sh`);
  return { text, options: JSON.parse(readText(join(FIXTURES, name, 'options.json')) ?? '{}') };
}

/** Options of every kind with values podman accepts (each written as one shell word, quoted where needed). */
const OPTIONS: readonly string[] = [
  '-d',
  '--rm',
  '-it',
  '-p 8080:80',
  '-p 127.0.0.1:9000:9000/udp',
  '-v data:/data',
  '-v /srv/x:/x:ro,Z',
  '-v /anon',
  '-e A=1',
  "-e 'B=two words $HOME 100%'",
  '-e BARE',
  '-l a.b=c',
  '--annotation x=y',
  '--restart=always',
  '--restart on-failure:3',
  '--memory 256m',
  '--cpus 0.5',
  "--health-cmd 'true'",
  '--health-interval 10s',
  '--health-retries 2',
  '--no-healthcheck',
  '--read-only',
  '--tmpfs /tmp:size=10m',
  '--cap-add NET_ADMIN',
  '--cap-drop ALL',
  '--security-opt no-new-privileges',
  '--security-opt seccomp=unconfined',
  '--user 1000:1000',
  '-w /work',
  '--hostname box',
  '--entrypoint /bin/sh',
  '--init',
  '--device /dev/fuse',
  '--add-host h.example:10.0.0.2',
  '--dns 10.0.0.1',
  '--sysctl net.ipv4.ip_forward=1',
  '--userns keep-id',
  '--pull newer',
  '--network other',
  '--network host',
  '--network-alias extra',
  '--tz UTC',
  '--secret s',
  '--mount type=volume,source=vol,target=/vol',
  '--mount type=tmpfs,target=/t',
  '--shm-size 64m',
  '--stop-timeout 20',
  '--pids-limit 50',
  '--ulimit nofile=100:200',
  '--log-opt tag=x',
  '--sdnotify=container',
  '--uts host',
  '--pod mypod',
  '--env-file ./x.env',
  '--unknown-option=1',
  '-v ./rel:/rel',
];

/** One `podman run` command of random options (host networking alone: podman refuses it with another network). */
export const runCommandArb: fc.Arbitrary<string> = fc
  .subarray([...OPTIONS], { minLength: 0, maxLength: 14 })
  .map((opts) => (opts.includes('--network host') ? opts.filter((o) => !/^--network(-alias)? (?!host)/.test(o)) : opts))
  .chain((opts) =>
    fc
      .constantFrom('registry.example.org/library/busybox:1', 'busybox')
      .map((image) => `podman run ${opts.join(' ')} ${image} sleep 1`),
  );
