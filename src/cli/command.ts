import type { CliIO } from "./io.js";

/** A command: parses its own flags, calls run/, report/ or lab/, prints; returns the exit code. */
export type Command = (argv: string[], io: CliIO) => Promise<number>;
