/** `optlab serve`'s static server (src/cli/serve.ts): files, types, 404, no escape from the site folder. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { main } from "../src/cli/main.js";
import { startStaticServer } from "../src/cli/serve.js";

let folder: string;
let server: Server;
let url: string;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "optlab-serve-"));
  mkdirSync(join(folder, "site", "assets"), { recursive: true });
  writeFileSync(join(folder, "site", "index.html"), "<!doctype html><title>t</title>");
  writeFileSync(join(folder, "site", "assets", "a.js"), "export {};");
  writeFileSync(join(folder, "secret.txt"), "outside the site");
  ({ server, url } = await startStaticServer(join(folder, "site")));
});

afterAll(async () => {
  await new Promise((done) => server.close(done));
  rmSync(folder, { recursive: true, force: true });
});

describe("optlab serve", () => {
  test("serves index.html at / and files with their content type, on 127.0.0.1", async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const index = await fetch(url);
    expect(index.status).toBe(200);
    expect(index.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await index.text()).toContain("<title>t</title>");
    const script = await fetch(`${url}assets/a.js?v=1`);
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
  });

  test("answers 404 for a missing file and 403 for a path that leaves the site folder", async () => {
    expect((await fetch(`${url}nothing.js`)).status).toBe(404);
    // "/%2e%2e/secret.txt" is normalised to "/secret.txt" by URL parsing: inside the site, so 404.
    expect((await fetch(`${url}%2e%2e/secret.txt`)).status).toBe(404);
    // An encoded slash survives parsing and decodes to "/../secret.txt": refused.
    const outside = await fetch(`${url}..%2fsecret.txt`);
    expect(outside.status).toBe(403);
    expect(await outside.text()).not.toContain("outside the site");
    expect((await fetch(url, { method: "POST" })).status).toBe(405);
  });

  test("a folder without index.html is a one-line user error with the fix", async () => {
    const lines: string[] = [];
    const io = { stdout: (text: string) => lines.push(text), stderr: (text: string) => lines.push(text) };
    expect(await main(["serve", "--dir", folder, "--port", "0"], io)).toBe(2);
    expect(lines.join("")).toMatch(
      /^optlab serve: site folder ".*" has no index\.html; build the playground with: npm run build:web\n$/,
    );
    lines.length = 0;
    expect(await main(["serve", "--port", "70000"], io)).toBe(2);
    expect(lines.join("")).toBe('optlab serve: --port must be a whole number in [0, 65535], got "70000"\n');
  });
});
