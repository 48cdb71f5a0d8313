import { Command, Option } from 'commander';
import { ENVIRONMENT_VARIABLES } from '../config/app-config.js';
import { VigilError } from '../errors.js';
import { registerBacktestCommand } from './commands/backtest-command.js';
import { registerKeysCommand } from './commands/keys-command.js';
import { registerProduceCommand } from './commands/produce-command.js';
import { registerReplayCommand } from './commands/replay-command.js';
import { registerRunCommand } from './commands/run-command.js';
import { registerTopicsCommand } from './commands/topics-command.js';

const program = new Command('vigil')
  .description(
    'Vigil: streaming anomaly detection over Kafka (or an embedded in-process log when no servers are configured)',
  )
  .option('-c, --config <file>', 'YAML/JSON config file (same as VIGIL_CONFIG)')
  .option(
    '-d, --detectors <file>',
    'detector settings file (same as VIGIL_DETECTORS; default: built-in defaults, see config/detectors.yaml)',
  )
  .addOption(
    new Option('--log-level <level>', 'log level (same as LOG_LEVEL)').choices([
      'fatal',
      'error',
      'warn',
      'info',
      'debug',
      'trace',
      'silent',
    ]),
  )
  .showHelpAfterError('(run with --help for usage)')
  .addHelpText(
    'after',
    `
Environment:
${Object.entries(ENVIRONMENT_VARIABLES)
  .map(([name, what]) => `  ${name.padEnd(26)} ${what}`)
  .join('\n')}

Start here:
  vigil run                 embedded demo: synthetic metrics → detect → memory → reason → act, no servers
  vigil topics create       create the topics on Kafka (KAFKA_BROKERS)
  vigil produce <file>      send a CSV/JSON-lines file of metric points to the metrics topic
  vigil run all             run the four stages on Kafka until Ctrl-C (or one: detect|memory|reason|act)
  vigil replay …            backtest detector settings over a topic range or a file`,
  );

registerRunCommand(program);
registerProduceCommand(program);
registerReplayCommand(program);
registerTopicsCommand(program);
registerBacktestCommand(program);
registerKeysCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof VigilError ? ` [${error.code}]` : '';
  process.stderr.write(`vigil: ${message}${code}\n`);
  process.exitCode = error instanceof VigilError && error.code === 'VIGIL_ERR_CONFIG_INVALID' ? 2 : 1;
});
