import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, resolve, sep } from "node:path";
import { InputRangeError, show } from "../util/errors.js";
import { projectPath } from "../util/project.js";
import { intFlag, parseCommandArgs } from "./args.js";
import type { CliIO } from "./io.js";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".ttf": "font/ttf",
  ".bin": "application/octet-stream",
  ".wasm": "application/wasm",
};

/** Where `npm run build:web` writes the playground. */
export function defaultSiteDir(): string {
  return projectPath("dist");
}

/**
 * Serves the files under `dir` (GET and HEAD only) on `host:port`; port 0 picks a free one. Paths
 * are resolved inside `dir` (no `..` escapes), `/` is `index.html`, and nothing is cached so a
 * rebuilt site shows at once.
 */
export function startStaticServer(
  dir: string,
  port = 0,
  host = "127.0.0.1",
): Promise<{ server: Server; url: string }> {
  const root = resolve(dir);
  if (!existsSync(join(root, "index.html"))) {
    throw new InputRangeError(
      `site folder ${show(dir)} has no index.html; build the playground with: npm run build:web`,
    );
  }
  const server = createServer((request, response) => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
    } catch {
      response.writeHead(400).end("bad request");
      return;
    }
    const file = normalize(join(root, pathname.endsWith("/") ? `${pathname}index.html` : pathname));
    if (file !== root && !file.startsWith(root + sep)) {
      response.writeHead(403).end("forbidden");
      return;
    }
    if (!existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("not found");
      return;
    }
    const body = readFileSync(file);
    response.writeHead(200, {
      "Content-Type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
      "Content-Length": body.length,
      "Cache-Control": "no-cache",
      "X-Content-Type-Options": "nosniff",
    });
    response.end(request.method === "HEAD" ? undefined : body);
  });
  return new Promise((resolvePromise, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new InputRangeError(
              `--port ${port} is already in use; pick another or use --port 0 for a free one`,
            )
          : error,
      ),
    );
    server.listen(port, host, () => {
      const address = server.address() as AddressInfo;
      resolvePromise({ server, url: `http://${host}:${address.port}/` });
    });
  });
}

/** `optlab serve [--port N] [--dir DIR]`: serves the built playground on localhost until interrupted. */
export async function serve(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs("serve", argv, {
    port: { type: "string" },
    dir: { type: "string" },
  });
  if (positionals.length > 0)
    throw new InputRangeError(`optlab serve takes no file names, got ${show(positionals)}`);
  const port = intFlag("port", values.port, 5180, 0, 65535);
  const { server, url } = await startStaticServer(values.dir ?? defaultSiteDir(), port);
  io.stdout(`optlab playground: ${url} (Ctrl-C to stop)\n`);
  return new Promise((resolvePromise) => {
    const stop = () => server.close(() => resolvePromise(0));
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
