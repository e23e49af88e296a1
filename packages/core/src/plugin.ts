import type { VIommuState } from './guest.js';
import type { HostIommuDevice } from './host-device.js';
import type { Outcome } from './outcome.js';
import type { ProfileId } from './profile.js';

/** What a checker claims to implement: the revision, and the Kconfig symbols of the build it stands for. */
export interface PluginDeclaration {
  readonly profile: ProfileId;
  readonly kconfig: { readonly VTD_ACCEL: boolean };
}

/**
 * A checker plugin: the attach path (BEHAVIOUR §profile.order) for one host device against a vIOMMU, whose
 * properties have already passed decideConfig(). Inputs are plain data; `check` must not modify
 * them, must not throw and must return at once.
 */
export interface CheckerPlugin {
  readonly name: string;
  readonly implements: PluginDeclaration;
  check(guest: VIommuState, device: HostIommuDevice): Outcome;
}

/** Named plugins, e.g. the built-in ones and those a CLI loads. */
export class PluginRegistry {
  readonly #plugins = new Map<string, CheckerPlugin>();

  constructor(plugins: Iterable<CheckerPlugin> = []) {
    for (const p of plugins) this.register(p);
  }

  register(plugin: CheckerPlugin): this {
    if (this.#plugins.has(plugin.name)) throw new RangeError(`a plugin named ${JSON.stringify(plugin.name)} is already registered`);
    this.#plugins.set(plugin.name, plugin);
    return this;
  }

  get(name: string): CheckerPlugin {
    const plugin = this.#plugins.get(name);
    if (!plugin) throw new RangeError(`no plugin named ${JSON.stringify(name)} (registered: ${this.names().join(', ') || 'none'})`);
    return plugin;
  }

  has(name: string): boolean {
    return this.#plugins.has(name);
  }

  names(): string[] {
    return [...this.#plugins.keys()];
  }

  list(): CheckerPlugin[] {
    return [...this.#plugins.values()];
  }
}
