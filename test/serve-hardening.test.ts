// `optlab serve` under hostile requests (issue 15, item 11): nothing escapes the root, no request ends the
// server, foreign Host headers are refused, every answer carries the security headers, CONNECT does not hang.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request as httpRequest, type Server } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStaticServer } from "../src/cli/serve.js";

const root = mkdtempSync(join(tmpdir(), "optlab-serve-"));
const site = join(root, "site");
let server: Server;
let port = 0;

beforeAll(async () => {
  mkdirSync(join(site, "sub"), { recursive: true });
  writeFileSync(join(site, "index.html"), "<!doctype html><title>t</title>");
  writeFileSync(join(site, "app.js"), "console.log(1)");
  writeFileSync(join(root, "secret.txt"), "secret");
  symlinkSync(join(root, "secret.txt"), join(site, "leak.txt"));
  symlinkSync(root, join(site, "up"));
  symlinkSync(join(site, "app.js"), join(site, "inside.js"));
  mkdirSync(join(site, "folder.js"));
  ({ server } = await startStaticServer(site, 0));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(root, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(path: string, options: { method?: string; host?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port,
        path,
        method: options.method ?? "GET",
        headers: { Host: options.host ?? `127.0.0.1:${port}` },
        timeout: 5000,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.end();
  });
}

describe("optlab serve", () => {
  it("serves files with a CSP, nosniff and no framing", async () => {
    const answer = await get("/app.js");
    expect(answer.status).toBe(200);
    expect(answer.body).toBe("console.log(1)");
    expect(answer.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(answer.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(answer.headers["x-content-type-options"]).toBe("nosniff");
    expect(answer.headers["x-frame-options"]).toBe("DENY");
    expect(answer.headers["content-length"]).toBe("14");
  });

  it("refuses a symbolic link that leaves the root, and follows one that stays inside", async () => {
    expect((await get("/leak.txt")).status).toBe(403);
    expect((await get("/up/secret.txt")).status).toBe(403);
    expect((await get("/inside.js")).body).toBe("console.log(1)");
  });

  it.each(["/../secret.txt", "/%2e%2e/secret.txt", "/sub/..%2f..%2fsecret.txt", "/%2e%2e%5csecret.txt"])(
    "does not escape the root with %s",
    async (path) => {
      const answer = await get(path);
      expect([403, 404]).toContain(answer.status);
      expect(answer.body).not.toContain("secret");
    },
  );

  it("refuses Host headers that are not this machine (DNS rebinding)", async () => {
    expect((await get("/", { host: "evil.example" })).status).toBe(403);
    expect((await get("/", { host: `evil.example:${port}` })).status).toBe(403);
    expect((await get("/", { host: "localhost:1" })).status).toBe(403);
    expect((await get("/", { host: `localhost:${port}` })).status).toBe(200);
    expect((await get("/", { host: `[::1]:${port}` })).status).toBe(200);
  });

  it.each(["POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH"])("answers %s with 405", async (method) => {
    const answer = await get("/", { method });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe("GET, HEAD");
  });

  it("answers a folder, a NUL byte, a bad escape and a very long URL without failing", async () => {
    expect((await get("/folder.js")).status).toBe(404);
    expect((await get("/a%00b")).status).toBe(400);
    expect((await get("/%E0%A4%A")).status).toBe(400);
    expect((await get(`/${"a".repeat(9000)}`)).status).toBe(414);
    expect((await get("/")).status).toBe(200); // still serving
  });

  it("answers HEAD with headers only", async () => {
    const answer = await get("/app.js", { method: "HEAD" });
    expect(answer.status).toBe(200);
    expect(answer.body).toBe("");
  });

  it("closes a CONNECT request instead of leaving it hanging", async () => {
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.write(`CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n`);
      });
      let data = "";
      socket.setTimeout(3000, () => reject(new Error("CONNECT hung")));
      socket.on("data", (chunk) => {
        data += chunk;
      });
      socket.on("end", () => resolve(data));
      socket.on("error", reject);
    });
    expect(text).toMatch(/^HTTP\/1\.1 405/);
  });

  it("answers a malformed request line with 400 and keeps serving", async () => {
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => socket.write("GARBAGE\r\n\r\n"));
      let data = "";
      socket.setTimeout(3000, () => reject(new Error("hung")));
      socket.on("data", (chunk) => {
        data += chunk;
      });
      socket.on("end", () => resolve(data));
      socket.on("error", reject);
    });
    expect(text).toMatch(/^HTTP\/1\.1 400/);
    expect((await get("/")).status).toBe(200);
  });
});
