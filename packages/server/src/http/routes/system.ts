/**
 * System routes: the doctor (every check this machine needs for rootless Podman and Quadlet, each failure
 * with a fix). Role: viewer, granted globally (it describes the host, not one compartment). Concurrent
 * requests share one run of the checks.
 */
import { DoctorReportSchema } from '../../api/contract.js';
import { type DoctorReport, hostDoctorIo, runDoctor } from '../../host/doctor.js';
import type { RoutePlugin } from '../types.js';
import { zodInstance } from './compartments-common.js';

export const systemRoutes: RoutePlugin = async (instance, { app, guard }) => {
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
};
