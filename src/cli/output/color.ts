import pc from 'picocolors';

export type Colors = ReturnType<typeof pc.createColors>;

/** Colour only on a terminal, never under NO_COLOR (https://no-color.org), forced by FORCE_COLOR. */
export function colorsFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Colors {
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== '';
  return pc.createColors(!noColor && (forced || stream.isTTY === true));
}

/** The colour of a sync or health word: green good, yellow moving, red bad. */
export function statusColor(colors: Colors, status: string | undefined): (text: string) => string {
  switch (status) {
    case 'Synced':
    case 'Healthy':
    case 'Succeeded':
      return colors.green;
    case 'OutOfSync':
    case 'Progressing':
    case 'Suspended':
    case 'Running':
      return colors.yellow;
    case 'Degraded':
    case 'Missing':
    case 'Failed':
    case 'Interrupted':
      return colors.red;
    default:
      return colors.dim;
  }
}
