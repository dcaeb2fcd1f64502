import type { Balancer } from '@tomcat-pd/core/balancers';
import { UsageError, type ManagerClient } from '@tomcat-pd/core';
import type { CliContext } from '../context.js';

/** The config's balancers, or only the one `--balancer` names. */
export async function chosenBalancers(context: CliContext, name: string | undefined): Promise<Balancer[]> {
  const balancers = await context.balancers();
  if (name === undefined) return balancers;
  const chosen = balancers.filter((balancer) => balancer.name === name);
  if (chosen.length === 0) {
    throw new UsageError(
      `No balancer is named ${name}; the config has ${balancers.map((balancer) => balancer.name).join(', ')}.`,
    );
  }
  return chosen;
}

/** The Manager client of the target an lb command names: a target of the config. */
export async function clientOf(context: CliContext, target: string): Promise<ManagerClient> {
  const clients = await context.clients();
  const client = clients.find((candidate) => candidate.name === target);
  if (client === undefined) {
    throw new UsageError(
      `No target is named ${target}; the config has ${clients.map((candidate) => candidate.name).join(', ') || 'none'}.`,
      { hint: 'An lb command names a target of the config file, whose Tomcat it reads.' },
    );
  }
  return client;
}
