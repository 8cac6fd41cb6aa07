/** Worker-thread entry for kernelThreads.ts: serves matrix products until terminated. */
import { workerData } from 'node:worker_threads';
import { serveKernelHelper, type KernelHelperData } from './core';

serveKernelHelper(workerData as KernelHelperData);
