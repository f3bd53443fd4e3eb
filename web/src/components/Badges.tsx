import type { HealthCode } from '../types.ts';

// Each status has an icon and a word, so it reads without colour (and with a screen reader).
const SYNC: Record<string, string> = { Synced: '✓', OutOfSync: '↻', Unknown: '?', Missing: '∅', Extra: '+' };
const HEALTH: Record<string, string> = {
  Healthy: '♥',
  Suspended: '⏸',
  Progressing: '◔',
  Missing: '∅',
  Degraded: '✕',
  Unknown: '?',
};
const RESULT: Record<string, string> = {
  Succeeded: '✓',
  Failed: '✕',
  Running: '◔',
  Interrupted: '!',
  ok: '✓',
  failed: '✕',
  planned: '…',
};

function Badge({
  kind,
  value,
  icons,
  label,
}: {
  kind: string;
  value: string;
  icons: Record<string, string>;
  label: string;
}) {
  return (
    <span className={`badge ${kind}-${value}`} title={`${label}: ${value}`}>
      <span aria-hidden="true" className="badge-icon">
        {icons[value] ?? '•'}
      </span>
      <span className="visually-hidden">{label}: </span>
      {value}
    </span>
  );
}

export const SyncBadge = ({ status }: { status: string }) => (
  <Badge kind="sync" value={status} icons={SYNC} label="Sync" />
);
export const HealthBadge = ({ status }: { status: HealthCode | string }) => (
  <Badge kind="health" value={status} icons={HEALTH} label="Health" />
);
export const ResultBadge = ({ result }: { result: string }) => (
  <Badge kind="result" value={result} icons={RESULT} label="Result" />
);

/** An allocation's client status, coloured like health. */
export function AllocBadge({ status }: { status: string }) {
  const tone =
    status === 'running' || status === 'complete'
      ? 'Healthy'
      : status === 'pending'
        ? 'Progressing'
        : status === 'failed' || status === 'lost'
          ? 'Degraded'
          : 'Suspended';
  return (
    <span className={`badge health-${tone}`}>
      <span aria-hidden="true" className="badge-icon">
        {HEALTH[tone]}
      </span>
      <span className="visually-hidden">Client status: </span>
      {status}
    </span>
  );
}
