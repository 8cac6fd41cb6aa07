/**
 * Entry of the language server when it runs by itself (the extension's bundle, `node
 * out/server/src/lsp/main.js --stdio`). `rainbow lsp --stdio` reaches the same server through
 * bin/rainbow.js, which sets the same V8 flag.
 */
import { setFlagsFromString } from 'node:v8';

// The engine's kernels are WebAssembly: compile them with the optimising compiler at once instead of
// the baseline compiler first (2-3x on short runs). Set before any kernel is compiled; a flag set on
// the main thread applies to the compute worker it starts.
setFlagsFromString('--no-liftoff');

// Loaded after the flag on purpose (a static import would load the engine first).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startServer } = require('./server') as typeof import('./server');
startServer();
