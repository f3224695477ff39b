import { MemoryBroker, MemoryBus } from "../src/bus/memory-bus.js";
import { busContract } from "./support/bus-contract.js";

busContract("in-memory", async (timing) => {
  const broker = new MemoryBroker(timing);
  return {
    node: (id) => new MemoryBus(broker, id),
    crash: async (bus) => (bus as MemoryBus).crash(),
    outage: async () => {
      broker.down = true;
      return async () => {
        broker.down = false;
      };
    },
    close: async () => {},
  };
});
