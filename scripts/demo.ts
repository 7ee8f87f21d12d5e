/**
 * An operator's view of the bug and the fix, in a throwaway Docker container:
 * `docker exec <c> hermes login` as root, without and with the shim.
 * Run as root: bun scripts/demo.ts (npm run demo), after npm run build.
 */
import { Container } from "../test/container/container.ts";
import setup from "../test/platform/setup.ts";

const teardown = await setup();
const ct = await Container.create();
try {
  const noShim = { ...ct.baseEnv(), PATH: "/opt/hermes/.venv/bin:/usr/bin:/bin" };
  const show = async (title: string, env: Record<string, string>) => {
    console.log(`\n## ${title}\n`);
    await ct.ok("rm -f /opt/data/auth.json");
    const login = await ct.run("hermes login", { env });
    console.log(`root# hermes login\n${login.stdout}${login.stderr}`);
    console.log(
      `root# stat -c '%U:%G %a' /opt/data/auth.json\n${await ct.ok("stat -c '%U:%G %a' /opt/data/auth.json")}`,
    );
    const gateway = await ct.run("hermes auth list", { asRuntimeUser: true });
    console.log(
      `hermes$ hermes auth list        # what the gateway can read\n${gateway.stdout}${gateway.stderr}(exit ${gateway.code})`,
    );
  };
  await show("Without the shim: root writes a file the gateway cannot read", noShim);
  await show("With the shim first on PATH: the same command drops to hermes", ct.baseEnv());
} finally {
  await ct.destroy();
  await teardown();
}
