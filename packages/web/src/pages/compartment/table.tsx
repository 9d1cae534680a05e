/** The Backups tab's tables: cell classes and a header row whose last column (the row's buttons) is named only for screen readers. */
export const th = 'px-2 py-1 text-left font-medium';
export const td = 'px-2 py-1 align-top';

export function HeadRow({
  labels,
  action,
  className,
}: {
  labels: string[];
  /** The buttons' column, when shown: its name for screen readers. */
  action?: string;
  className?: string;
}) {
  return (
    <thead className={className}>
      <tr>
        {labels.map((l) => (
          <th key={l} className={th}>
            {l}
          </th>
        ))}
        {action !== undefined && (
          <th className={th}>
            <span className="sr-only">{action}</span>
          </th>
        )}
      </tr>
    </thead>
  );
}
