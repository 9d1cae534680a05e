/**
 * The dependencies between a compartment's units (GET …/dependencies, core/unit-graph.ts on the server): warnings
 * for references to units the compartment lacks and for ordering cycles, the start order as a list with what each
 * unit needs, is ordered after or waits for (health gates), and a small graph in plain SVG, one column per layer
 * of the start order.
 */
import { useDependencies } from '../../api/queries';
import type { UnitGraph, UnitGraphEdge, UnitGraphNode } from '../../api/types';
import { Badge, Card, QueryView, RichText, type Tone } from '../../components/ui';
import { type MessageKey, t } from '../../i18n/t';

/** The message of each kind of edge: `deps.<name>`. */
const LABEL: Record<UnitGraphEdge['kind'], string> = {
  requires: 'needs',
  wants: 'wants',
  after: 'after',
  before: 'before',
  binds: 'boundTo',
  partOf: 'partOf',
  network: 'network',
  volume: 'volume',
  image: 'image',
  build: 'build',
  artifact: 'artifact',
  pod: 'pod',
  triggers: 'triggers',
};
const label = (e: UnitGraphEdge, unit: string) => t(`deps.${LABEL[e.kind]}` as MessageKey, { unit });

/** The badge of one edge: what `from` needs of `to`, and how. */
export function edgeLabel(e: UnitGraphEdge): { text: string; tone: Tone } {
  if (e.missing) return { text: label(e, t('deps.missing', { unit: e.to })), tone: 'bad' };
  if (e.external) return { text: label(e, t('deps.external', { unit: e.to })), tone: 'idle' };
  if (e.healthGate && e.order === 'after') return { text: t('deps.healthy', { unit: e.to }), tone: 'busy' };
  return { text: label(e, e.to), tone: e.order === null ? 'idle' : 'ok' };
}

function Warnings({ graph }: { graph: UnitGraph }) {
  if (graph.missing.length === 0 && graph.cycles.length === 0) return null;
  return (
    <div
      role="alert"
      className="flex flex-col gap-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-700 dark:bg-amber-950"
    >
      {graph.missing.length > 0 && (
        <div>
          <h3 className="font-semibold">{t('deps.missingTitle')}</h3>
          <ul className="list-disc pl-5">
            {graph.missing.map((m) => (
              <li key={`${m.from} ${m.key} ${m.to}`}>
                {t('deps.missingItem', { from: m.from, key: m.key, unit: m.to })}
              </li>
            ))}
          </ul>
        </div>
      )}
      {graph.cycles.length > 0 && (
        <div>
          <h3 className="font-semibold">{t('deps.cycleTitle')}</h3>
          <ul className="list-disc pl-5">
            {graph.cycles.map((c) => (
              <li key={c.join(' ')}>{t('deps.cycleItem', { units: c.join(' → ') })}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

function NodeTitle({ node }: { node: UnitGraphNode }) {
  return (
    <>
      <span className="font-mono font-medium">{node.id}</span>
      <span className="ml-2 text-xs text-zinc-600 dark:text-zinc-400">
        {node.unit}
        {node.instanceOf && ` · ${t('deps.instanceOf', { template: node.instanceOf })}`}
      </span>
      {node.notifyHealthy && (
        <span className="ml-2">
          <Badge tone="busy">{t('deps.healthGate')}</Badge>
        </span>
      )}
    </>
  );
}

function Needs({ edges }: { edges: UnitGraphEdge[] }) {
  if (edges.length === 0) return <p className="ml-6 text-xs text-zinc-600 dark:text-zinc-400">{t('deps.nothing')}</p>;
  return (
    <ul className="ml-6 mt-1 flex flex-wrap gap-1" data-testid="deps-needs">
      {edges.map((e) => {
        const { text, tone } = edgeLabel(e);
        return (
          <li key={`${e.kind} ${e.key} ${e.to}`}>
            <Badge tone={tone}>{text}</Badge>
          </li>
        );
      })}
    </ul>
  );
}

const BOX_W = 168;
const BOX_H = 30;
const COL_GAP = 56;
const ROW_GAP = 14;
const PAD = 8;

const clip = (s: string, n = 22) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The units in columns by start order; an arrow from each unit to those ordered after it (dashed: no ordering). */
export function DependencyGraph({ graph }: { graph: UnitGraph }) {
  const pos = new Map<string, { x: number; y: number }>();
  graph.layers.forEach((layer, col) => {
    layer.forEach((id, row) => {
      pos.set(id, { x: PAD + col * (BOX_W + COL_GAP), y: PAD + row * (BOX_H + ROW_GAP) });
    });
  });
  const rows = Math.max(1, ...graph.layers.map((l) => l.length));
  const width = PAD * 2 + graph.layers.length * BOX_W + Math.max(0, graph.layers.length - 1) * COL_GAP;
  const height = PAD * 2 + rows * BOX_H + (rows - 1) * ROW_GAP;
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  // one line per pair of units: the first starts before the second
  const lines = new Map<string, { first: string; then: string; ordered: boolean; health: boolean }>();
  for (const e of graph.edges) {
    if (e.missing || e.external || !pos.has(e.from) || !pos.has(e.to)) continue;
    const [first, then] = e.order === 'before' ? [e.from, e.to] : [e.to, e.from];
    const key = `${first}\u0000${then}`;
    const line = lines.get(key) ?? { first, then, ordered: false, health: false };
    line.ordered ||= e.order !== null;
    line.health ||= e.healthGate;
    lines.set(key, line);
  }
  return (
    <div className="overflow-x-auto">
      <svg
        role="img"
        aria-label={t('deps.graphLabel')}
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        className="text-zinc-700 dark:text-zinc-300"
      >
        <defs>
          <marker id="deps-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto">
            <path d="M0,0 L10,5 L0,10 z" fill="currentColor" />
          </marker>
        </defs>
        {[...lines.values()].map(({ first, then, ordered, health }) => {
          const a = pos.get(first)!;
          const b = pos.get(then)!;
          const x1 = a.x + BOX_W;
          const y1 = a.y + BOX_H / 2;
          const x2 = b.x;
          const y2 = b.y + BOX_H / 2;
          // a pair in the same column (a cycle, or units that start together) curves out to the right
          const d =
            x2 > x1
              ? `M${x1},${y1} C${x1 + COL_GAP / 2},${y1} ${x2 - COL_GAP / 2},${y2} ${x2},${y2}`
              : `M${x1},${y1} C${x1 + COL_GAP},${y1} ${b.x + BOX_W + COL_GAP},${y2} ${b.x + BOX_W},${y2}`;
          return (
            <path
              key={`${first} ${then}`}
              d={d}
              fill="none"
              stroke="currentColor"
              strokeWidth={health ? 2 : 1}
              strokeDasharray={ordered ? undefined : '4 3'}
              className={health ? 'text-amber-600' : ''}
              markerEnd="url(#deps-arrow)"
              data-edge={`${first} -> ${then}`}
            />
          );
        })}
        {graph.order.map((id) => {
          const p = pos.get(id)!;
          const n = nodes.get(id);
          const inCycle = graph.cycles.some((c) => c.includes(id));
          return (
            <g key={id} data-node={id}>
              <title>{`${id} (${n?.unit ?? id})`}</title>
              <rect
                x={p.x}
                y={p.y}
                width={BOX_W}
                height={BOX_H}
                rx={5}
                className={
                  inCycle
                    ? 'fill-amber-50 stroke-amber-600 dark:fill-amber-950'
                    : 'fill-white stroke-zinc-400 dark:fill-zinc-900 dark:stroke-zinc-600'
                }
              />
              <text
                x={p.x + 8}
                y={p.y + BOX_H / 2}
                dominantBaseline="central"
                className="fill-current font-mono text-xs"
              >
                {clip(id)}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}

function DependencyView({ graph }: { graph: UnitGraph }) {
  if (graph.nodes.length === 0) return <p>{t('deps.none')}</p>;
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const outgoing = (id: string) => graph.edges.filter((e) => e.from === id);
  const templates = graph.nodes.filter((n) => n.template);
  return (
    <div className="flex flex-col gap-4">
      <Warnings graph={graph} />
      <Card title={t('deps.order')}>
        <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
          <RichText text={t('deps.orderHelp')} />
        </p>
        <ol className="flex list-decimal flex-col gap-2 pl-6" aria-label={t('deps.order')}>
          {graph.order.map((id) => (
            <li key={id} data-unit={id}>
              <NodeTitle node={nodes.get(id)!} />
              <Needs edges={outgoing(id)} />
            </li>
          ))}
        </ol>
        {templates.length > 0 && (
          <>
            <h3 className="mt-4 font-semibold">{t('deps.templates')}</h3>
            <ul className="flex flex-col gap-2">
              {templates.map((n) => (
                <li key={n.id} data-unit={n.id}>
                  <NodeTitle node={n} />
                  <Needs edges={outgoing(n.id)} />
                </li>
              ))}
            </ul>
          </>
        )}
      </Card>
      <Card title={t('deps.graph')}>
        <DependencyGraph graph={graph} />
      </Card>
    </div>
  );
}

export function DependenciesTab({ id }: { id: string }) {
  const query = useDependencies(id);
  return (
    <QueryView query={query} what={t('compartment.dependencies')}>
      {(graph) => <DependencyView graph={graph} />}
    </QueryView>
  );
}
