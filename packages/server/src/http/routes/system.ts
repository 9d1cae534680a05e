/**
 * System routes: the doctor (every check this machine needs for rootless Podman and Quadlet, each failure
 * with a fix; role viewer, granted globally: it describes the host, not one compartment; concurrent requests share
 * one run of the checks), and quadletman's own backups (global admin: their state without secrets, and a backup
 * started now; root makes them, through the privileged helper when the server is not root).
 */
import { z } from 'zod';
import { DoctorReportSchema, SelfBackupStatusSchema } from '../../api/contract.js';
import { type DoctorReport, hostDoctorIo, runDoctor } from '../../host/doctor.js';
import type { RoutePlugin } from '../types.js';
import { audited, zodInstance } from './compartments-common.js';

export const systemRoutes: RoutePlugin = async (instance, { app, guard, audit }) => {
  const r = zodInstance(instance);
  let running: Promise<DoctorReport> | undefined;

  r.get(
    '/api/doctor',
    {
      schema: {
        tags: ['system'],
        summary: 'Check this machine for what rootless Podman and Quadlet need',
        response: { 200: DoctorReportSchema },
      },
      preHandler: guard('viewer', { compartmentParam: false }),
    },
    async () => {
      running ??= runDoctor(hostDoctorIo(app.host.exec)).finally(() => {
        running = undefined;
      });
      return running;
    },
  );

  r.get(
    '/api/system/self-backup',
    {
      schema: {
        tags: ['system'],
        summary: "quadletman's own backups: the repository, snapshots, the last run and the daily timer",
        response: { 200: SelfBackupStatusSchema },
      },
      preHandler: guard('admin', { compartmentParam: false }),
    },
    async () => app.selfBackup.status(),
  );

  r.post(
    '/api/system/self-backup/run',
    {
      schema: {
        tags: ['system'],
        summary: "Back quadletman's own state up now (in the background; the status says when it ends)",
        response: { 202: z.object({ started: z.literal(true) }) },
      },
      preHandler: guard('admin', { compartmentParam: false }),
    },
    async (req, reply) => {
      await audited(audit, req, { action: 'backup.self-start', target: 'system:quadletman' }, () =>
        app.selfBackup.start(),
      );
      return reply.code(202).send({ started: true as const });
    },
  );
};
