/**
 * A compartment's images: each with its tags, digest, size, created date and the units of the desired state that
 * use it (viewer), and the removal of those nothing uses (admin; `dryRun` only says which). A prune is audited with
 * what it removed, what Podman refused and the bytes it freed.
 */
import { CompartmentParams, ImageListSchema, PruneImagesBody, PruneImagesResultSchema } from '../../api/contract.js';
import { inCompartment } from '../../core/audit-target.js';
import type { PruneResult } from '../../core/service/images.js';
import { changedNothing } from '../audit.js';
import type { RoutePlugin } from '../types.js';
import { audited, zodInstance } from './compartments-common.js';

const imageName = (i: PruneResult['removed'][number]) => i.names[0] ?? i.id.slice(0, 12);

/** What the audit log keeps of a prune: names, not the whole images. */
const pruneAudit = (r: PruneResult) => ({
  result: r.failed.length > 0 ? ('failed' as const) : ('ok' as const),
  details: {
    removed: r.removed.map(imageName),
    bytes: r.bytes,
    ...(r.failed.length > 0 ? { failed: r.failed.map((f) => ({ image: imageName(f.image), error: f.error })) } : {}),
  },
});

export const imageRoutes: RoutePlugin = async (instance, { app, guard, audit }) => {
  const r = zodInstance(instance);

  r.get(
    '/api/compartments/:id/images',
    {
      schema: {
        tags: ['images'],
        summary: 'Images: tags, digest, size, created, the units that use each, and what units need that is missing',
        params: CompartmentParams,
        response: { 200: ImageListSchema },
      },
      preHandler: guard('viewer'),
    },
    async (req) => app.images.images(req.params.id),
  );

  r.post(
    '/api/compartments/:id/images/prune',
    {
      schema: {
        tags: ['images'],
        summary: 'Remove the images no unit of the desired state and no container uses',
        description:
          'An image is kept when a unit (or a drop-in) names it, a container (running or stopped) uses it, or it is the ' +
          'parent of a kept image. One that Podman refuses is listed in `failed`; the others are removed. Refused ' +
          '(409) while an apply of the compartment runs.',
        params: CompartmentParams,
        body: PruneImagesBody,
        response: { 200: PruneImagesResultSchema },
      },
      preHandler: guard('admin'),
    },
    async (req) => {
      const { id } = req.params;
      const dryRun = req.body?.dryRun ?? false;
      if (dryRun) {
        changedNothing(req);
        return app.images.prune(id, { dryRun });
      }
      return audited(
        audit,
        req,
        { action: 'image.prune', target: inCompartment(id, 'images', 'unused') },
        () => app.images.prune(id),
        pruneAudit,
      );
    },
  );
};
