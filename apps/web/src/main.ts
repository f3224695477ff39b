import "./zod-jitless.js";
import { startApp } from "./app.js";

const root = document.getElementById("app");
if (!root) throw new Error("Switchboard: #app is missing from index.html");
startApp(root);
