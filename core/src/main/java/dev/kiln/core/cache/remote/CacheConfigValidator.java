package dev.kiln.core.cache.remote;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** The index and loop checks of {@link CacheConfig#validate()}; iterative, so deep graphs pass. */
final class CacheConfigValidator {

  private CacheConfigValidator() {}

  static void validate(CacheConfig config) throws CacheFormatException {
    int nLayers = config.layers().size();
    for (int i = 0; i < nLayers; i++) {
      int parent = config.layers().get(i).parent();
      if (parent >= nLayers) {
        throw new CacheFormatException(
            "cache config layer " + i + " has parent " + parent + ", out of range 0.." + nLayers);
      }
    }
    checkLayerLoops(config.layers());
    int nRecords = config.records().size();
    for (int r = 0; r < nRecords; r++) {
      CacheConfig.Record rec = config.records().get(r);
      for (CacheConfig.Result res : rec.results()) {
        if (res.layer() < 0 || res.layer() >= nLayers) {
          throw new CacheFormatException(
              "cache config record "
                  + r
                  + " has a result with layer "
                  + res.layer()
                  + ", out of range 0.."
                  + nLayers);
        }
      }
      for (CacheConfig.ChainedResult chain : rec.chains()) {
        for (int layer : chain.layers()) {
          if (layer < 0 || layer >= nLayers) {
            throw new CacheFormatException(
                "cache config record "
                    + r
                    + " has a chain with layer "
                    + layer
                    + ", out of range 0.."
                    + nLayers);
          }
        }
      }
      for (int i = 0; i < rec.inputs().size(); i++) {
        List<CacheConfig.Input> group = rec.inputs().get(i);
        if (group.isEmpty()) {
          throw new CacheFormatException("cache config record " + r + " has empty input " + i);
        }
        for (CacheConfig.Input in : group) {
          if (in.link() < 0 || in.link() >= nRecords) {
            throw new CacheFormatException(
                "cache config record "
                    + r
                    + " input "
                    + i
                    + " links to record "
                    + in.link()
                    + ", out of range 0.."
                    + nRecords);
          }
        }
      }
    }
    checkRecordLoops(config.records());
  }

  private static void checkLayerLoops(List<CacheConfig.Layer> layers) throws CacheFormatException {
    // 0 = unseen, 1 = on the current parent walk, 2 = known to reach -1
    byte[] state = new byte[layers.size()];
    for (int start = 0; start < layers.size(); start++) {
      int i = start;
      while (i >= 0 && state[i] == 0) {
        state[i] = 1;
        i = layers.get(i).parent();
      }
      if (i >= 0 && state[i] == 1) {
        throw new CacheFormatException("cache config layer " + i + " is its own ancestor (loop)");
      }
      for (int j = start; j >= 0 && state[j] == 1; j = layers.get(j).parent()) {
        state[j] = 2;
      }
    }
  }

  private static void checkRecordLoops(List<CacheConfig.Record> records)
      throws CacheFormatException {
    byte[] state = new byte[records.size()];
    Deque<int[]> stack = new ArrayDeque<>(); // {record, next input group, next element}
    for (int start = 0; start < records.size(); start++) {
      if (state[start] != 0) {
        continue;
      }
      state[start] = 1;
      stack.push(new int[] {start, 0, 0});
      while (!stack.isEmpty()) {
        int[] top = stack.peek();
        List<List<CacheConfig.Input>> inputs = records.get(top[0]).inputs();
        if (top[1] >= inputs.size()) {
          state[top[0]] = 2;
          stack.pop();
          continue;
        }
        List<CacheConfig.Input> group = inputs.get(top[1]);
        if (top[2] >= group.size()) {
          top[1]++;
          top[2] = 0;
          continue;
        }
        int next = group.get(top[2]++).link();
        if (state[next] == 1) {
          throw new CacheFormatException(
              "cache config record " + next + " links to itself through its inputs (loop)");
        }
        if (state[next] == 0) {
          state[next] = 1;
          stack.push(new int[] {next, 0, 0});
        }
      }
    }
  }
}
