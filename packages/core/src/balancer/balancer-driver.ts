import type { AdminState, BalancerReading, BalancerType } from './member-state.js';

/** What every call to a driver may carry. */
export interface DriverCallOptions {
  signal?: AbortSignal | undefined;
}

/**
 * One balancer, as tomcat-pd talks to it. A driver knows its balancer's protocol and texts and
 * no policy: which members to change, in which order, and what to refuse are decided in
 * `ops/lb/`. Every error a driver throws is a `TomcatPdError` that names the balancer:
 * `ConnectionError` when it cannot be reached or does not answer in time, `E_AUTH` for a
 * console that refuses the credentials, `BalancerError` when it answers with an error or with
 * something that is not its protocol.
 */
export interface BalancerDriver {
  /** The balancer's name in the config (`lb1`). */
  readonly name: string;
  readonly type: BalancerType;
  /** Where it is reached (a socket, a URL, a file), for messages: never a secret. */
  readonly address: string;
  /** Reads every member. */
  read(options?: DriverCallOptions): Promise<BalancerReading>;
  /**
   * Asks the balancer to give `member` the admin state `state`, and returns once the balancer
   * says it applied it (for nginx: the new file serves). It does not read back:
   * `changeMemberState` reads and compares, for every driver alike.
   */
  send(member: string, state: AdminState, options?: DriverCallOptions): Promise<void>;
}
