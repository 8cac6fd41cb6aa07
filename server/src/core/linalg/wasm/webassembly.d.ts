/**
 * The part of the WebAssembly JavaScript API that the kernels use. The engine compiles against
 * lib ES2022 without DOM or Node types, where WebAssembly is not declared; Node provides it at run
 * time. Other projects see these types only through the core's declaration files (skipLibCheck).
 */
declare namespace WebAssembly {
  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    shared?: boolean;
  }
  class Memory {
    constructor(descriptor: MemoryDescriptor);
    readonly buffer: ArrayBuffer | SharedArrayBuffer;
    grow(deltaPages: number): number;
  }
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
}
