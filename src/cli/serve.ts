import { createReadStream, existsSync, realpathSync, type Stats, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
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

/**
 * Request limits. The playground's URLs carry its state (`?f=` a formula of at most 500 characters, a dozen
 * optimizers): 8 KiB of URL is 4× the longest one it writes, and Node's own default header limit is 16 KiB.
 * A request that has not sent its headers in 10 s is dropped (Node's default is 60 s), an idle keep-alive
 * connection after 5 s.
 */
export const SERVE_LIMITS = {
  maxUrlLength: 8 * 1024,
  maxHeaderSize: 16 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
} as const;

/**
 * Every answer carries these. The playground loads its own scripts, styles, fonts and WebAssembly only
 * (`'wasm-unsafe-eval'` lets it compile its kernels; Vite's build inlines no script); it draws on canvases and
 * blob: URLs for exports; nothing may frame it (clickjacking).
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cache-Control": "no-cache",
};

/** Host names a browser uses for this machine; anything else is a DNS-rebinding attempt (or a proxy) and gets 403. */
function hostAllowed(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  const match = /^(\[[0-9a-f:.]+\]|[^:]+)(?::(\d+))?$/i.exec(host.trim());
  if (!match) return false;
  const name = match[1].toLowerCase();
  if (match[2] !== undefined && Number(match[2]) !== port) return false;
  return name === "localhost" || name.endsWith(".localhost") || name === "127.0.0.1" || name === "[::1]";
}

function answer(
  response: ServerResponse,
  status: number,
  text: string,
  extra: Record<string, string> = {},
): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": "text/plain; charset=utf-8", ...extra });
  response.end(`${text}\n`);
}

/** Where `npm run build:web` writes the playground. */
export function defaultSiteDir(): string {
  return projectPath("dist");
}

/**
 * Serves the files under `dir` (GET and HEAD only) on `host:port`; port 0 picks a free one. Every path is
 * resolved with realpath and must stay inside the (real) root, so neither `..` nor a symbolic link escapes it;
 * `/` is `index.html`; files are streamed; every handler is wrapped (a failure is a 500 for that request, never
 * the end of the server); the Host header must name this machine; nothing is cached so a rebuilt site shows at once.
 */
export function startStaticServer(
  dir: string,
  port = 0,
  host = "127.0.0.1",
): Promise<{ server: Server; url: string }> {
  let root: string;
  try {
    root = realpathSync(resolve(dir));
  } catch {
    root = resolve(dir);
  }
  if (!existsSync(join(root, "index.html"))) {
    throw new InputRangeError(
      `site folder ${show(dir)} has no index.html; build the playground with: npm run build:web`,
    );
  }
  let listeningPort = port;
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      answer(response, 405, "method not allowed", { Allow: "GET, HEAD" });
      return;
    }
    if (!hostAllowed(request.headers.host, listeningPort)) {
      answer(response, 403, "forbidden: this server answers only to localhost");
      return;
    }
    const url = request.url ?? "/";
    if (url.length > SERVE_LIMITS.maxUrlLength) {
      answer(response, 414, "URI too long");
      return;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(url, "http://localhost").pathname);
    } catch {
      answer(response, 400, "bad request");
      return;
    }
    if (pathname.includes("\0")) {
      answer(response, 400, "bad request");
      return;
    }
    const file = normalize(join(root, pathname.endsWith("/") ? `${pathname}index.html` : pathname));
    const inside = (path: string) => path === root || path.startsWith(root + sep);
    if (!inside(file)) {
      answer(response, 403, "forbidden");
      return;
    }
    let real: string;
    let stats: Stats;
    try {
      real = realpathSync(file);
      stats = statSync(real);
    } catch {
      answer(response, 404, "not found");
      return;
    }
    if (!inside(real)) {
      answer(response, 403, "forbidden");
      return;
    }
    if (!stats.isFile()) {
      answer(response, 404, "not found");
      return;
    }
    const headers = {
      ...SECURITY_HEADERS,
      "Content-Type": CONTENT_TYPES[extname(real)] ?? "application/octet-stream",
      "Content-Length": String(stats.size),
    };
    if (request.method === "HEAD") {
      response.writeHead(200, headers).end();
      return;
    }
    const stream = createReadStream(real);
    stream.once("open", () => {
      response.writeHead(200, headers);
      stream.pipe(response);
    });
    stream.once("error", () => answer(response, 500, "cannot read that file"));
    response.once("close", () => stream.destroy());
  };
  const server = createServer(
    { maxHeaderSize: SERVE_LIMITS.maxHeaderSize, requestTimeout: SERVE_LIMITS.requestTimeoutMs },
    (request, response) => {
      try {
        handle(request, response);
      } catch {
        answer(response, 500, "internal error");
      }
    },
  );
  server.headersTimeout = SERVE_LIMITS.headersTimeoutMs;
  server.keepAliveTimeout = SERVE_LIMITS.keepAliveTimeoutMs;
  // CONNECT and protocol upgrades are not served: answer and close instead of leaving the socket open.
  server.on("connect", (_request, socket) => {
    socket.end(
      "HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, HEAD\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
    );
  });
  server.on("upgrade", (_request, socket) => {
    socket.end("HTTP/1.1 405 Method Not Allowed\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
  });
  server.on("clientError", (_error, socket) => {
    if (socket.writable)
      socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    else socket.destroy();
  });
  return new Promise((resolvePromise, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new InputRangeError(
              `--port ${port} is already in use; pick another or use --port 0 for a free one`,
            )
          : error.code === "EACCES"
            ? new InputRangeError(`--port ${port}: permission denied (ports below 1024 need privileges)`)
            : error,
      ),
    );
    server.listen(port, host, () => {
      const address = server.address() as AddressInfo;
      listeningPort = address.port;
      server.on("error", () => {}); // after listening, a socket error concerns one request only
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
