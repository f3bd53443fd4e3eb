// Runs the CLI from the TypeScript sources (`node --import tsx src/cli/dev.ts ARGS`): what
// `npm run dev` and the tests start, so they never depend on a stale dist/.
import { main } from './index.js';

await main(process.argv);
