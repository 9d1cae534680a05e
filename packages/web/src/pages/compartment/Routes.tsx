/**
 * A compartment's routes: the host names the edge serves its apps on, each requested through the edge once
 * (GET /api/edge?compartment=ID), with "open" links; when it has none, how to declare one in its spec.
 */
import { Link } from 'react-router';
import { useCompartmentRoutes } from '../../api/queries';
import { RoutesExample, RouteTable } from '../../components/RouteTable';
import { Badge, Button, Card, QueryView } from '../../components/ui';
import { withCode } from '../../i18n/code';
import { t } from '../../i18n/t';

export function RoutesTab({ id }: { id: string }) {
  const edge = useCompartmentRoutes(id);
  return (
    <Card
      title={t('compartment.routes')}
      actions={
        <Button onClick={() => void edge.refetch()} disabled={edge.isFetching} aria-busy={edge.isFetching}>
          {edge.isFetching && !edge.isPending ? t('routes.checking') : t('routes.refresh')}
        </Button>
      }
    >
      <QueryView query={edge} what={t('compartment.routes')}>
        {(status) => {
          // (for a viewer of some compartments the server answers with all the routes they see: keep this one's)
          const mine = status.routes.filter((r) => r.compartment === id);
          return (
            <div className="flex flex-col gap-3">
              {!status.reachable && (
                <p className="text-sm" data-testid="edge-state">
                  <Badge tone="bad">{t('routes.state.unreachable')}</Badge>
                  {status.error && <span className="ml-2 break-words">{status.error}</span>}
                </p>
              )}
              {mine.length === 0 ? (
                <div className="flex flex-col gap-2 text-sm">
                  <p>{withCode(t('routes.compartmentNone'))}</p>
                  <RoutesExample />
                </div>
              ) : (
                <RouteTable routes={mine} showCompartment={false} />
              )}
              <p className="text-sm">
                <Link to="/routes" className="text-sky-800 underline dark:text-sky-300">
                  {t('routes.allLink')}
                </Link>
              </p>
            </div>
          );
        }}
      </QueryView>
    </Card>
  );
}
