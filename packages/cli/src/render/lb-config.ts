import type { BalancerType } from '@tomcat-pd/core/balancers';
import { STARTING_CONFIG_ADMIN } from '@tomcat-pd/core/internal';

/** `lb config --json`: the configuration's text; for nginx, the file that must exist before it starts. */
export interface LbConfigDocument {
  type: BalancerType;
  text: string;
  file?: string;
}

export function lbConfigDocument(
  type: BalancerType,
  text: string,
  admin: string | undefined,
): LbConfigDocument {
  return type === 'nginx' ? { type, text, file: admin ?? STARTING_CONFIG_ADMIN.nginx } : { type, text };
}
