import { fake } from "./state.ts";

export default {
  get vu() {
    return { idInTest: fake().vu };
  },
  get scenario() {
    return { name: fake().scenario, iterationInTest: fake().iteration };
  },
};
