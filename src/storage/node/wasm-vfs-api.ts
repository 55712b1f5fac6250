/**
 * The parts of the loaded `@sqlite.org/sqlite-wasm` module the Node VFS touches, typed
 * structurally so nothing here depends on the engine adapter. Pointers are numbers (wasm32);
 * 64-bit integers are `bigint`.
 */

/** A C struct the module can fill with JS function pointers (`sqlite3_vfs`, `sqlite3_io_methods`). */
export interface WasmStruct {
  readonly pointer: number;
  $iVersion: number;
}

/** `sqlite3_vfs`. */
export interface VfsStruct extends WasmStruct {
  $szOsFile: number;
  $mxPathname: number;
}

/** The wasm memory helpers. */
export interface VfsWasm {
  heap8u(): Uint8Array;
  poke32(ptr: number, value: number): void;
  poke64(ptr: number, value: bigint): void;
  poke64f(ptr: number, value: number): void;
  pokePtr(ptr: number, value: number): void;
  cstrToJs(ptr: number): string;
  readonly exports: {
    sqlite3_malloc(bytes: number): number;
    sqlite3_free(pointer: number): void;
  };
}

/** What {@link installNodeVfs} needs from the module. */
export interface VfsModule {
  readonly wasm: VfsWasm;
  readonly capi: {
    readonly sqlite3_vfs: new () => VfsStruct;
    readonly sqlite3_io_methods: new () => WasmStruct;
    readonly sqlite3_file: { readonly structInfo: { readonly sizeof: number } };
    sqlite3_vfs_find(name: string | null): number;
  };
  readonly vfs: {
    installVfs(options: {
      io?: { struct: WasmStruct; methods: Record<string, (...args: never[]) => unknown> };
      vfs?: { struct: VfsStruct; methods: Record<string, (...args: never[]) => unknown>; name: string };
    }): unknown;
  };
}
