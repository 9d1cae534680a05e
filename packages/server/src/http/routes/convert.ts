/**
 * Convert: a compose project (its files sent in the body), or `podman run` commands (their text), into a
 * compartment spec, with the report of what became of every key or option. Changes nothing and reads nothing of
 * the server's: the files are only those sent, the interpolation sees only the variables sent and the project's
 * `.env` (never the server's environment), and relative paths resolve against a placeholder project folder
 * (PROJECT_DIR) the report shows; a command is read, never run. Role: any signed-in user (a viewer of anything).
 */
import { posix } from 'node:path';
import { ConvertComposeBody, ConvertComposeSchema, ConvertRunBody } from '../../api/contract.js';
import type { ReportEntry } from '../../core/convert/common.js';
import { convertCompose } from '../../core/convert/compose/index.js';
import { convertRun } from '../../core/convert/run/index.js';
import { InvalidError } from '../../core/errors.js';
import { type DesiredState, specToYaml } from '../../core/spec.js';
import { hostPodmanVersion } from '../../host/podman-version.js';
import { hostImageQualifier } from '../../host/registries-conf.js';
import { READ_ONLY } from '../audit.js';
import type { RoutePlugin } from '../types.js';
import { zodInstance } from './compartments-common.js';

/** Where the sent files are taken to be: bind mounts of `./x` become `/compose/x`, for the user to change. */
export const PROJECT_DIR = '/compose';

/** Both conversions answer alike: the compartment, the spec as YAML, the report, the version targeted. */
const answer = (result: { state: DesiredState; report: ReportEntry[] }, podmanVersion: string | undefined) => ({
  compartment: result.state.id,
  yaml: specToYaml(result.state),
  report: result.report,
  podmanVersion: podmanVersion ?? null,
});

export const convertRoutes: RoutePlugin = async (instance, { app, guard }) => {
  const r = zodInstance(instance);
  r.post(
    '/api/convert/compose',
    {
      schema: {
        tags: ['convert'],
        summary: 'Convert a compose project into a compartment spec, with a report of every key',
        body: ConvertComposeBody,
        response: { 200: ConvertComposeSchema },
      },
      config: READ_ONLY,
      preHandler: guard('viewer', { compartmentParam: false }),
    },
    async (req) => {
      const b = req.body;
      const files = new Map(b.files.map((f) => [posix.join(PROJECT_DIR, f.name), f.text]));
      const compose = (b.compose ?? [b.files[0]!.name]).map((name) => {
        const path = posix.join(PROJECT_DIR, name);
        const text = files.get(path);
        if (text === undefined) throw new InvalidError(`compose: '${name}' is not one of the files sent`);
        return { path, text };
      });
      const podmanVersion = b.podmanVersion ?? (await hostPodmanVersion(app.host.exec)) ?? undefined;
      const result = convertCompose({
        files: compose,
        readFile: (path) => files.get(posix.normalize(path)),
        projectDir: PROJECT_DIR,
        environment: {},
        ...(b.env ? { env: b.env } : {}),
        ...(b.profiles ? { profiles: b.profiles } : {}),
        ...(b.project ? { project: b.project } : {}),
        ...(podmanVersion ? { podmanVersion } : {}),
        qualifyImage: await hostImageQualifier(),
      });
      return answer(result, podmanVersion);
    },
  );

  r.post(
    '/api/convert/run',
    {
      schema: {
        tags: ['convert'],
        summary: 'Convert podman run commands into a compartment spec, with a report of every option',
        body: ConvertRunBody,
        response: { 200: ConvertComposeSchema },
      },
      config: READ_ONLY,
      preHandler: guard('viewer', { compartmentParam: false }),
    },
    async (req) => {
      const b = req.body;
      const podmanVersion = b.podmanVersion ?? (await hostPodmanVersion(app.host.exec)) ?? undefined;
      const result = convertRun(b.command, {
        ...(b.compartment ? { compartment: b.compartment } : {}),
        ...(podmanVersion ? { podmanVersion } : {}),
        qualifyImage: await hostImageQualifier(),
      });
      return answer(result, podmanVersion);
    },
  );
};
