import { type ParseArgsConfig, parseArgs } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * A benchmark's flags by node:util's parseArgs, with `--help` (the flags and their defaults) and, for an unknown flag
 * or a missing value, one line naming it and exit 2 instead of a stack trace.
 */
export function benchArgs(
  command: string,
  options: Options,
): { values: Record<string, string | boolean | (string | boolean)[] | undefined> } {
  const usage = () =>
    `usage: npm run ${command} -- ${Object.entries(options)
      .map(([name, o]) => (o.type === "boolean" ? `[--${name}]` : `[--${name} ${o.default ?? "VALUE"}]`))
      .join(" ")}`;
  if (process.argv.slice(2).some((a) => a === "--help" || a === "-h")) {
    console.log(usage());
    process.exit(0);
  }
  try {
    return parseArgs({ options, strict: true, allowPositionals: false });
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    console.error(`${command}: ${message} (${usage()})`);
    process.exit(2);
  }
}
