import type { HintOption, HintWords } from '@tomcat-pd/core';

/** The CLI's way to give each option the core's hints name. */
const FLAGS: Readonly<Record<HintOption, string>> = {
  version: '--version',
  width: '--width',
  update: '--update',
  force: '--force',
  timeoutMs: '--timeout',
  retries: '--retries',
  'tls.cert': '--cert-file',
  'tls.key': '--key-file',
  user: '--user',
  password: '$TOMCAT_PD_PASSWORD or --password-stdin',
  appUrl: '--app-url',
  skipCheck: '--no-check',
  targets: '--target',
  waitMs: '--lock-wait',
};

/** The core's hints in the CLI's words: flags for options, `tomcat-pd` commands for operations. */
export const cliWords: HintWords = {
  option: ({ option, value }) =>
    value === undefined || value === true ? FLAGS[option] : `${FLAGS[option]} ${value}`,
  undeploy: ({ path, version }) => `tomcat-pd undeploy --path ${path} --version ${version}`,
  bugReport: () => 'please report it with the output of the same command run with --verbose',
};
