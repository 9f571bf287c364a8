// Counts what a pow server asks of its store and of the user tables, for the "store calls" figures
// of the request part: the harness resets the counts, signs in or sends requests, and reads them.
const counts = new Map();

function bump(name) {
  counts.set(name, (counts.get(name) ?? 0) + 1);
}

export const counters = {
  reset() {
    counts.clear();
  },
  read() {
    return Object.fromEntries(counts);
  },
};

/** The store, with each method call counted as `store.<method>` (properties such as `local` pass through). */
export function countingStore(store) {
  const wrapped = new Map();
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      let fn = wrapped.get(prop);
      if (!fn) {
        fn = (...args) => {
          bump(`store.${prop}`);
          return value.apply(target, args);
        };
        wrapped.set(prop, fn);
      }
      return fn;
    },
  });
}

/** The Prisma client, with the queries of the given model delegates counted as `db.<model>.<method>`. */
export function countingPrisma(prisma, models) {
  const delegates = new Map();
  return new Proxy(prisma, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof prop === 'string' && models.includes(prop)) {
        let delegate = delegates.get(prop);
        if (!delegate) {
          delegate = new Proxy(value, {
            get(d, method) {
              const fn = Reflect.get(d, method, d);
              if (typeof fn !== 'function' || typeof method !== 'string') return fn;
              return (...args) => {
                bump(`db.${prop}.${method}`);
                return fn.apply(d, args);
              };
            },
          });
          delegates.set(prop, delegate);
        }
        return delegate;
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
