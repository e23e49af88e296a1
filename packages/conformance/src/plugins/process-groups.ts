// The process groups of plugin processes that may still be running, in shared memory: the thread
// that owns a plugin writes its group there, and any thread (the CLI's, on a signal) can end them all.

/** Groups one registry can hold; a handle that finds it full still ends its own group itself. */
export const PROCESS_GROUP_SLOTS = 256;

/** A slot per plugin handle: [claimed (0/1), process group id or 0] pairs. */
export interface ProcessGroupRegistry {
  readonly memory: SharedArrayBuffer;
}

/** A handle's place in a registry: where its worker writes the group of the plugin it started last. */
export interface ProcessGroupSlot {
  readonly memory: SharedArrayBuffer;
  readonly index: number;
}

export function createProcessGroupRegistry(): ProcessGroupRegistry {
  return { memory: new SharedArrayBuffer(4 * 2 * PROCESS_GROUP_SLOTS) };
}

let current: ProcessGroupRegistry | undefined;

/** The registry new plugin handles of this thread use: one of its own unless adopted. */
export function processGroupRegistry(): ProcessGroupRegistry {
  current ??= createProcessGroupRegistry();
  return current;
}

/** Makes this thread's plugin handles use `registry`, which another thread (the CLI's main thread) watches. */
export function adoptProcessGroupRegistry(registry: ProcessGroupRegistry): void {
  current = registry;
}

/** Claims a free slot, or gives a private one when the registry is full. */
export function claimSlot(registry: ProcessGroupRegistry = processGroupRegistry()): ProcessGroupSlot {
  const cells = new Int32Array(registry.memory);
  for (let i = 0; i < PROCESS_GROUP_SLOTS; i++) {
    if (Atomics.compareExchange(cells, 2 * i, 0, 1) === 0) return { memory: registry.memory, index: i };
  }
  return { memory: createProcessGroupRegistry().memory, index: 0 };
}

/** Gives a slot back once its handle is closed and its group ended. */
export function releaseSlot(slot: ProcessGroupSlot): void {
  const cells = new Int32Array(slot.memory);
  Atomics.store(cells, 2 * slot.index + 1, 0);
  Atomics.store(cells, 2 * slot.index, 0);
}

/** In a slot while a plugin is being spawned: its pid is not known yet, but it may already run. */
export const SPAWNING = -1;
/** How long ending the groups waits for a spawn in progress to say its pid. */
const SPAWN_WAIT_MS = 2_000;

/** Records the group of the plugin process just started (0: none runs; SPAWNING: being started), and wakes a thread waiting to end it. */
export function recordGroup(slot: ProcessGroupSlot, pgid: number): void {
  const cells = new Int32Array(slot.memory);
  Atomics.store(cells, 2 * slot.index + 1, pgid);
  Atomics.notify(cells, 2 * slot.index + 1);
}

export function groupIn(slot: ProcessGroupSlot): number {
  return Atomics.load(new Int32Array(slot.memory), 2 * slot.index + 1);
}

/** Sends SIGKILL to every process of the group; true if the group still existed. */
export function killGroup(pgid: number): boolean {
  if (pgid <= 0) return false;
  try {
    // Windows has no process groups: there the leader is all the kit can end
    process.kill(process.platform === 'win32' ? pgid : -pgid, 'SIGKILL');
    return true;
  } catch {
    return false; // ESRCH: every process of the group is gone already
  }
}

/** Ends the group recorded in the slot, if any, and clears it. */
export function endGroupIn(slot: ProcessGroupSlot): void {
  const pgid = groupIn(slot);
  if (pgid <= 0) return;
  killGroup(pgid);
  Atomics.compareExchange(new Int32Array(slot.memory), 2 * slot.index + 1, pgid, 0);
}

/**
 * Ends every group the registry records: for a signal or an exit while plugins still run. A slot
 * caught between fork and the pid being written is waited for, so a plugin started in that moment
 * is ended too.
 */
export function endAllGroups(registry: ProcessGroupRegistry = processGroupRegistry()): number {
  const cells = new Int32Array(registry.memory);
  const deadline = performance.now() + SPAWN_WAIT_MS;
  let ended = 0;
  for (let i = 0; i < PROCESS_GROUP_SLOTS; i++) {
    let pgid = Atomics.load(cells, 2 * i + 1);
    while (pgid === SPAWNING && performance.now() < deadline) {
      Atomics.wait(cells, 2 * i + 1, SPAWNING, deadline - performance.now());
      pgid = Atomics.load(cells, 2 * i + 1);
    }
    if (pgid > 0 && killGroup(pgid)) ended++;
    if (pgid > 0) Atomics.compareExchange(cells, 2 * i + 1, pgid, 0);
  }
  return ended;
}
