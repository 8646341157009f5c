/** A connector's cursor: a JSON object, opaque to the runtime. */
export type State = Record<string, unknown>;

/**
 * Where committed state lives: a local file (directory mode) or the platform (`connector_state`, pushed by ping).
 * `save` resolves once the state is durable there.
 */
export interface StateStore {
  readonly kind: string;
  load(): Promise<State | null>;
  save(state: State): Promise<void>;
  /**
   * True once when an operator reset the state on the platform since the last call: the runtime then drops its
   * in-memory state and restarts from the configured start.
   */
  takeReset?(): boolean;
  close?(): Promise<void>;
}
