// Try the VS Code set-up of docs/howto.md ("Editor support"): drive VS Code (as
// code-server serves it) in headless Chromium, as a person would with the keyboard:
// open a page, hover an ID, go to its definition, ask for completion, edit a :uses:
// to an unknown ID and read the Problems panel, undo.  try.sh beside this file starts
// code-server and runs it:
//   node vscode_try.js URL PAGE FILE [SCREENSHOTS]
// URL: code-server's address with ?folder=; PAGE: the page, relative to the folder;
// FILE: its path (to find its lines).  Needs playwright-core (NODE_PATH) and Chromium
// (CHROMIUM, default /usr/bin/chromium).  Exits 0 when every check passed, 1 otherwise.
const { chromium } = require("playwright-core");
const fs = require("fs");
const os = require("os");
const path = require("path");

const [url, page_, file, shotsArg] = process.argv.slice(2);
const shots = shotsArg || fs.mkdtempSync(path.join(os.tmpdir(), "vscode-try-"));
const checks = [];
function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  checks.push(ok);
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(url);
  await page.waitForSelector(".monaco-workbench", { timeout: 60000 });
  await page.waitForTimeout(4000);
  const mod = "Control";
  // open the page with Quick Open
  async function open() {
    await page.keyboard.press(`${mod}+P`);
    await page.waitForTimeout(800);
    await page.keyboard.type(page_);
    await page.waitForSelector(".quick-input-list .monaco-list-row", { timeout: 20000 });
    await page.waitForTimeout(1500);
    await page.keyboard.press("Enter");
    await page.waitForSelector(`.tab.active[data-resource-name="${page_.split("/").pop()}"]`,
      { timeout: 20000 });
    await page.waitForTimeout(1000);
  }
  await open();
  await page.waitForTimeout(5000); // the extension starts the server, the server reads
  await page.screenshot({ path: `${shots}/1-open.png` });

  // go to the :addresses: line of DEC-1 and hover REQ-1
  const editor = page.locator(".monaco-editor textarea").first();
  await editor.focus();
  async function goto(line, column) {
    await page.keyboard.press(`${mod}+G`);
    await page.waitForTimeout(400);
    await page.keyboard.type(`${line}:${column}`);
    await page.keyboard.press("Enter");
    await page.waitForTimeout(400);
  }
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const addresses = lines.findIndex(l => l.includes(":addresses: REQ-1"));
  const uses = lines.findIndex(l => l.includes(":uses: DEP-1"));
  await goto(addresses + 1, lines[addresses].indexOf("REQ-1") + 2);
  await page.keyboard.press(`${mod}+K`);
  await page.keyboard.press(`${mod}+I`);
  await page.waitForTimeout(1500);
  const hover = await page.locator(".monaco-hover-content").allInnerTexts();
  console.log("hover: " + JSON.stringify(hover.join(" | ").slice(0, 300)));
  check(hover.join(" ").includes("Accept card payments"), "hover on REQ-1 shows its title");
  await page.screenshot({ path: `${shots}/2-hover.png` });
  await page.keyboard.press("Escape");

  // go to definition (F12): the index page opens
  await page.keyboard.press("F12");
  await page.waitForTimeout(2000);
  const tab = await page.locator(".tab.active").first().innerText();
  console.log("active tab after F12: " + JSON.stringify(tab));
  check(/index\.(rst|md)/.test(tab), "go to definition opens the index page");
  await page.screenshot({ path: `${shots}/3-definition.png` });
  await open(); // back to the page

  // completion after ":uses: "
  await editor.focus();
  await goto(uses + 1, lines[uses].indexOf("DEP-1") + 1);
  await page.keyboard.press("Control+Space");
  await page.waitForTimeout(1500);
  const suggestions = await page.locator(".suggest-widget .monaco-list-row").allInnerTexts();
  console.log("completion: " + JSON.stringify(suggestions.map(s => s.split("\n")[0])));
  check(suggestions.some(s => s.includes("DEP-2")), "completion offers DEP-2");
  await page.screenshot({ path: `${shots}/4-completion.png` });
  await page.keyboard.press("Escape");

  // edit DEP-1 to DEP-9 and read the Problems panel
  await goto(uses + 1, lines[uses].indexOf("DEP-1") + 6);
  await page.keyboard.press("Backspace");
  await page.keyboard.type("9");
  await page.waitForTimeout(3000);
  await page.keyboard.press(`${mod}+Shift+M`);
  await page.waitForTimeout(1500);
  const problems = await page.locator(".markers-panel .monaco-list-row").allInnerTexts();
  console.log("problems:\n  " + problems.map(p => p.replace(/\n/g, " ")).join("\n  "));
  check(problems.some(p => p.includes("designdoc.dangling") && p.includes("DEP-9")),
    "Problems shows designdoc.dangling for DEP-9");
  await page.screenshot({ path: `${shots}/5-problems.png` });

  // undo: the problem goes
  await editor.focus();
  await page.keyboard.press(`${mod}+Z`); // the "9"
  await page.keyboard.press(`${mod}+Z`); // the backspace
  await page.waitForTimeout(3000);
  const after = await page.locator(".markers-panel .monaco-list-row").allInnerTexts();
  check(!after.some(p => p.includes("designdoc.dangling")), "the problem goes once the edit is undone");
  await page.screenshot({ path: `${shots}/6-undone.png` });
  console.log(`screenshots: ${shots}`);
  await browser.close();
  process.exit(checks.every(Boolean) ? 0 : 1);
})().catch(err => { console.error(err); process.exit(2); });
