// Boots a pool worker: registers tsx's loader in this thread first (worker_threads do not
// reliably inherit `--import tsx` on Node 20), then loads the TypeScript worker.
import { register } from "tsx/esm/api";

register();
await import("./worker.ts");
