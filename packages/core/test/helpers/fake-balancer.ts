import type { Balancer } from '../../src/balancer/balancer.js';
import type { AdminState, BalancerReading, Health, MemberReading } from '../../src/balancer/member-state.js';
import type { TomcatPdError } from '../../src/errors/tomcat-pd-error.js';

/** A member as a test states it: `ready`, or with its health and counts. */
export type FakeMember = AdminState | { admin: AdminState; health?: Health; inFlight?: number };

/**
 * An in-memory balancer for unit tests of `ops/lb/`: it records every change sent, keeps the
 * states, and can be told to fail a read or a send, or to ignore sends (as real balancers do on
 * some mistakes, answering 200).
 */
export class FakeBalancer implements Balancer {
  readonly type = 'haproxy';
  readonly address: string;
  readonly sent: string[] = [];
  readonly members: Map<string, MemberReading>;
  /** Members' names by target; a target not here is its own member. */
  memberMap: Record<string, string> = {};
  failRead: TomcatPdError | undefined;
  /** Fails the sends for these states. */
  readonly failSend = new Map<AdminState, TomcatPdError>();
  generation = 'g1';

  constructor(
    readonly name: string,
    members: Record<string, FakeMember>,
  ) {
    this.address = `/run/${name}.sock`;
    this.members = new Map(
      Object.entries(members).map(([member, state]) => [
        member,
        typeof state === 'string'
          ? { name: member, admin: state, health: 'up' }
          : { name: member, health: 'up', ...state },
      ]),
    );
  }

  memberName(target: string): string {
    return this.memberMap[target] ?? target;
  }

  read(): Promise<BalancerReading> {
    if (this.failRead !== undefined) return Promise.reject(this.failRead);
    return Promise.resolve({
      balancer: this.name,
      type: this.type,
      members: [...this.members.values()].map((member) => ({ ...member })),
      generation: this.generation,
    });
  }

  send(member: string, state: AdminState): Promise<void> {
    this.sent.push(`${member}:${state}`);
    const failure = this.failSend.get(state);
    if (failure !== undefined) return Promise.reject(failure);
    this.members.set(member, { ...this.members.get(member)!, admin: state });
    return Promise.resolve();
  }

  admin(member: string): AdminState | undefined {
    return this.members.get(member)?.admin;
  }
}
