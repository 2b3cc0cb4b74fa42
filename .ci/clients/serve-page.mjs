// Browser test of the deontic serve web page: `node serve-page.mjs BASE_URL SCREENSHOT_PATH [PHONE_SCREENSHOT_PATH]`.
// Drives the questionnaire of nl-cyber-response to a permitted counterattack, changes an answer, checks the
// decision trail, the jump to the policy text, keyboard use, the Dutch page language and the phone layout.
// Exit 0 = pass, 1 = fail with the reason on standard error.
import { chromium } from "playwright-core";

const [base = "http://127.0.0.1:8787/", shot = "serve-page.png", phoneShot] = process.argv.slice(2);
const origin = new URL(base).origin;
const POLICY = "nl-cyber-response";
const ACTION = "counterattack";
// The answers that make a counterattack permitted (norms 4 and 5 of the policy).
const ANSWERS = {
  last_resort: true, hostile_action_to_avert: true, essential_state_interest_at_stake: true,
  international_legal_basis: true, cabinet_decision: true,
};
const WORD = { permitted: "toegestaan", forbidden: "verboden" };
const started = Date.now();
const problems = []; // page errors, console errors, foreign or failing requests
const step = (msg) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);
const check = (cond, msg) => { if (!cond) throw new Error(msg); };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.setDefaultTimeout(15000); // generous: the test suite runs beside it
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()}`); });
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith("data:") && new URL(u).origin !== origin) problems.push(`request to another origin: ${u}`);
  });
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on("response", (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.request().method()} ${r.url()}`); });
  const noProblems = (where) => check(!problems.length, `${where}:\n  ${problems.join("\n  ")}`);

  const resp = await page.goto(base, { waitUntil: "load" });
  check(resp && resp.ok(), `GET ${base} answered ${resp?.status()}`);
  await page.waitForLoadState("networkidle");
  noProblems("loading the page");
  step("page loaded");

  // The rule descriptions of the policy file, as the server serves it.
  const detail = await page.evaluate(async (p) => (await fetch(`v1/policies/${p}`)).json(), POLICY);
  check(typeof detail.source === "string", `GET /v1/policies/${POLICY} has no source`);
  const descriptions = [...detail.source.matchAll(/^rule\s+\w+(?:\s+overrides[\w\s,]+?)?\s*"((?:[^"\\]|\\.)*)"/gm)]
    .map((m) => m[1].replace(/\\(.)/g, "$1"));
  check(descriptions.length > 5, `found only ${descriptions.length} rule descriptions in the source`);

  // 1. Pick the policy (a list when several are served).
  const card = page.locator(`[data-policy="${POLICY}"]`);
  if (await card.count()) await card.click();
  await page.locator("#policy-title").waitFor();
  check(await page.evaluate(() => document.documentElement.lang) === "nl", "the page language is not nl");
  step("policy chosen; lang=nl");

  // 2. Only the action counterattack.
  const round = () => page.evaluate(() => Number(document.querySelector("#question")?.dataset.round ?? -1));
  const afterRound = async (before) => {
    await page.waitForFunction((r) => Number(document.querySelector("#question")?.dataset.round) > r, before);
    noProblems("after an answer");
  };
  await page.locator("#actions input[type=checkbox]").first().waitFor();
  let r0 = await round();
  await page.getByRole("button", { name: "Geen", exact: true }).click();
  await page.locator(`#actions input[value="${ACTION}"]`).check();
  await afterRound(r0);
  const checked = await page.$$eval("#actions input:checked", (els) => els.map((e) => e.value));
  check(checked.length === 1 && checked[0] === ACTION, `chosen actions are ${checked}`);
  const cards = await page.$$eval("#verdicts [data-action]", (els) => els.map((e) => e.dataset.action));
  check(cards.length === 1 && cards[0] === ACTION, `the verdicts panel shows ${cards}`);

  // 3. Answer what the page asks until no question is left.
  const asked = [];
  for (let i = 0; i < 12; i++) {
    const fact = await page.locator("#question").getAttribute("data-fact");
    if (!fact) break;
    check(fact in ANSWERS, `the page asked about \`${fact}\`, which has no answer in the test (asked so far: ${asked})`);
    check(await page.locator("#question .fact-name").innerText() === fact, `the question does not name ${fact}`);
    if (asked.length) check(await page.evaluate(() => document.activeElement?.id) === "q-text", "focus did not move to the new question");
    asked.push(fact);
    r0 = await round();
    if (asked.length === 1) {
      await page.locator(`#question button[data-value="${ANSWERS[fact]}"]`).click();
    } else {
      // From the focused question, reach the answer with Tab and press it with Enter or Space.
      let tabs = 0;
      while (await page.evaluate(() => document.activeElement?.dataset.value) !== String(ANSWERS[fact])) {
        check(++tabs <= 6, `Tab from the question does not reach the answer button for ${fact}`);
        await page.keyboard.press("Tab");
      }
      await page.keyboard.press(asked.length % 2 ? "Enter" : "Space");
    }
    await afterRound(r0);
  }
  check(asked.length > 0 && !(await page.locator("#question").getAttribute("data-fact")), `still asking after ${asked}`);
  step(`answered ${asked.join(", ")}`);

  const verdictCard = page.locator(`#verdicts [data-action="${ACTION}"]`);
  const verdictIs = async (v) => {
    const shown = await verdictCard.getAttribute("data-verdict");
    const word = (await verdictCard.locator(".verdict-word").innerText()).trim();
    check(shown === v && word === WORD[v], `counterattack shows ${shown} / "${word}", expected ${v} / "${WORD[v]}"`);
  };
  await verdictIs("permitted");
  const quotes = await verdictCard.locator(".trail blockquote").allInnerTexts();
  const quoted = quotes.map((q) => q.trim()).filter((q) => descriptions.includes(q));
  check(quoted.length > 0, `the trail quotes no rule description of the policy (quotes: ${JSON.stringify(quotes)})`);
  check(await verdictCard.locator(".trail .rule").first().isVisible(), "the decision trail is not visible");
  check(/regel|vereiste/i.test(await verdictCard.locator(".trail .rule-head").first().innerText()), "the trail has no rule kinds");
  step(`permitted ("${WORD.permitted}"), trail quotes: ${quoted.map((q) => q.slice(0, 40) + "…").join(" | ")}`);

  // Screenshot at 1200 wide.
  await page.screenshot({ path: shot, fullPage: true });
  step(`screenshot ${shot}`);

  // 4. Jump from a rule in the trail to its line in the policy text.
  const link = verdictCard.locator(".trail button.line-link").first();
  const line = await link.getAttribute("data-line");
  await link.click();
  const target = page.locator(`#src-L${line}, #srv-L${line}`).first();
  await target.waitFor({ state: "visible" });
  check(await target.evaluate((el) => el === document.activeElement && el.classList.contains("target")),
    `line ${line} is not focused and marked after the jump`);
  step(`jumped to line ${line}`);

  // 5. Change an answer: without an international legal basis the counterattack is forbidden.
  r0 = await round();
  const row = page.locator('#answers li[data-fact="international_legal_basis"]');
  await row.locator("button.change").click();
  await row.locator('button[data-value="false"]').click();
  await afterRound(r0);
  await verdictIs("forbidden");
  check(await row.locator(".answer-value").innerText() === "Nee", "the changed answer is not shown as Nee");
  step(`changed international_legal_basis to no: ${WORD.forbidden}`);

  // 6. Phone width: no horizontal scrolling (with the policy text open).
  await page.setViewportSize({ width: 375, height: 740 });
  await page.waitForTimeout(100);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  check(width <= 375, `at 375 px wide the page is ${width} px wide`);
  if (phoneShot) await page.screenshot({ path: phoneShot, fullPage: true });
  step(`375 px: scrollWidth ${width}`);

  noProblems("at the end");
  console.log(`PASS in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (e) {
  const seen = problems.filter((p) => !e.message.includes(p));
  console.error(`FAIL: ${e.message}${seen.length ? `\n  also:\n  ${seen.join("\n  ")}` : ""}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
