import { exactTime, relativeTime } from '../format.ts';

/** A relative time with the exact one on hover and for assistive technology. */
export function Time({ iso }: { iso: string | undefined }) {
  if (!iso) return <span>never</span>;
  return (
    <time dateTime={iso} title={exactTime(iso)}>
      {relativeTime(iso)}
    </time>
  );
}
