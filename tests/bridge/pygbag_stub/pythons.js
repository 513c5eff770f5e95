/* Test stand-in for pygbag 0.9.3's pythons.js: the real one's order, as strict as it is.
 *
 * Module evaluation (pythons.js 54-69, 2282-2470, 2485-2541): read window.config, add listeners
 * that alert() errors and unhandled rejections, find the <script type=module src=...pythons.js>
 * tag, turn the page's query into CPython options (orig_argv; "K=V" become environment variables
 * in cpythonrc.py) and its hash into sys.argv, fill cdn/pydigits/executable when unset.
 * On the load event (onload, 2066-2248): window.Module = vm, the "Leave site?" prompt unless
 * can_close, custom_onload(), then load config.executable: cpython312/main.js, here the
 * stand-in's interpreter (Pyodide, a real CPython 3.12, with only pygbag's stdlib importable).
 * postrun (387-404) fetches cpythonrc.py from config.cdn and runs the page script (run_pyrc,
 * 525-600): the stand-in cpythonrc.py installs only what main.py declares and imports.
 * Each step is logged to window.stubLog for the tests.
 */
const module_name = "pythons.js";
const config = window.config || {};
window.stubLog = ["pythons.js"];

window.addEventListener("error", function (e) {
  alert("Error occurred: " + (e.error && e.error.message));
  return false;
});
window.addEventListener("unhandledrejection", function (e) {
  alert("Rejection occurred: " + (e.reason && e.reason.message));
});

const vm = {
  APK: "org.python",
  cpy_argv: [],
  sys_argv: [],
  script: { interpreter: "cpython", blocks: [] },
  config: config,
  setStatus: function (text) {  // pythons.js 430-474: any text without "(n/m)" hides the bar
    const progress = document.getElementById("progress") || {};
    const status = document.getElementById("status") || {};
    if (/\((\d+(\.\d+)?)\/(\d+)\)/.test(text)) {
      progress.hidden = false;
    } else {
      progress.hidden = true;
    }
    status.innerHTML = text;
  },
  locateFile: function (path, prefix) {  // pythons.js 479-486
    if (path === "main.data") {
      return (config.cdn || "") + vm.script.interpreter + config.pydigits + "/" + path;
    }
    return prefix + path;
  },
  postRun: [postrun],
};

function autoConf(script) {
  let url = script.src.split("#")[0].split("?")[0];
  if (url.endsWith(module_name)) {
    url = url + (window.location.search || "?") + (window.location.hash || "#");
  }
  const hash = url.split("#")[1] || "";
  url = url.split("#")[0];
  for (const arg of hash.split("%20")) vm.sys_argv.push(decodeURI(arg));
  const query = url.split("?")[1] || "";
  url = url.split("?")[0];
  for (const arg of query.split("&")) vm.cpy_argv.push(decodeURI(arg));
  let pystr = script.dataset.python || "python3.12";
  if (vm.cpy_argv.length && vm.cpy_argv[0].search("py") >= 0) pystr = vm.cpy_argv[0];
  config.PYBUILD = pystr.search("python3") >= 0 ? pystr.substr(6) || "3.12" : "3.12";
  if (location.hostname === "localhost") config.cdn = url.replace(module_name, "");
  config.cdn = config.cdn || url.split(module_name, 1)[0];
  config.pydigits = config.pydigits || config.PYBUILD.replace(".", "");
  config.executable = config.executable ||
    config.cdn + vm.script.interpreter + config.pydigits + "/main.js";
  config.can_close = config.can_close || 0;
  if (config.ume_block === undefined) config.ume_block = 1;
  vm.PyConfig = { executable: config.executable, argv: vm.sys_argv, orig_argv: vm.cpy_argv };
  vm.script.blocks = [script.text];
}

function onload() {
  window.Module = vm;
  window.stubConfig = config;
  if (!config.can_close) {  // feat_lifecycle, pythons.js 1123-1146
    window.onbeforeunload = function () {
      return confirm("Are you sure you want to navigate away from this page ?") ? "" : false;
    };
  }
  if (window.custom_onload) {
    window.stubLog.push("custom_onload");
    window.custom_onload(true);
  }
  const loader = document.createElement("script");  // jsimport(config.executable)
  loader.src = config.executable;
  loader.async = true;
  document.head.appendChild(loader);
}

async function postrun(vm) {
  window.python = vm;
  const response = await fetch(vm.config.cdn + vm.script.interpreter + "rc.py");
  if (!response.ok) throw new Error("no " + vm.script.interpreter + "rc.py: " + response.status);
  const rc = await response.text();
  window.stubLog.push("cpythonrc.py");
  const py = vm.pyodide;
  const base = "/data/data/org.python/assets/";
  py.FS.mkdirTree(base + "site-packages/pygame");  // pygbag's own pygame folder: fonts only
  py.FS.writeFile(base + "site-packages/pygame/freesansbold.ttf", "");
  py.FS.writeFile(base + "pythonrc.py", rc);
  py.FS.writeFile(base + "__main__.py", vm.script.blocks[0]);
  py.globals.set("PYCONFIG_JSON", JSON.stringify(vm.PyConfig));
  py.globals.set("PYGBAG_STDLIB", vm.stdlib);
  await py.runPythonAsync(
    "exec(open('" + base + "pythonrc.py').read(), globals(), globals())\n" +
    "import asyncio\n" +
    "asyncio.ensure_future(import_site('" + base + "__main__.py'))\n"
  );
}

for (const script of document.getElementsByTagName("script")) {
  if (script.type === "module" && script.src.search(module_name) >= 0) {
    autoConf(script);
    window.addEventListener("load", onload);
    break;
  }
}
