package org.ultrachat.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the coordinator hands every worker process: the target, the workload and its parameters,
 * the users (ids and tokens) and channels made for the run, and the source addresses to use. A
 * worker takes the users whose index is its own modulo the worker count.
 */
record Plan(String workload, URI target, Map<String, String> params, List<User> users, List<Channel> channels,
            int workers, List<String> addresses, int usersPerAddress) {

  record User(String id, String token) {
  }

  /** A channel and its members, by user index. */
  record Channel(String id, List<Integer> members) {
  }

  String param(String name) {
    String v = params.get(name);
    if (v == null) {
      throw new IllegalStateException("missing parameter " + name);
    }
    return v;
  }

  long number(String name) {
    return Long.parseLong(param(name));
  }

  /** @return the numbers of a comma-separated parameter, e.g. {@code rates=250,500,1000} */
  List<Long> numbers(String name) {
    List<Long> all = new ArrayList<>();
    for (String n : param(name).split(",")) {
      all.add(Long.parseLong(n.trim()));
    }
    return all;
  }

  /** @return the channel of each user, by user index (the last one, for users in several) */
  Map<Integer, String> channelOf() {
    Map<Integer, String> of = new HashMap<>();
    for (Channel ch : channels) {
      ch.members().forEach(m -> of.put(m, ch.id()));
    }
    return of;
  }

  /** @return the source address user {@code index} connects from */
  String addressOf(int index) {
    return addresses.get((index / usersPerAddress) % addresses.size());
  }

  /** @return the indexes of the users this worker drives */
  List<Integer> slice(int worker) {
    List<Integer> mine = new ArrayList<>();
    for (int i = worker; i < users.size(); i += workers) {
      mine.add(i);
    }
    return mine;
  }

  JsonObject toJson() {
    JsonArray u = new JsonArray();
    users.forEach(user -> u.add(new JsonArray().add(user.id()).add(user.token())));
    JsonArray c = new JsonArray();
    channels.forEach(ch -> c.add(new JsonObject().put("id", ch.id()).put("members", new JsonArray(ch.members()))));
    return new JsonObject().put("workload", workload).put("target", target.toString())
        .put("params", new JsonObject(new TreeMap<String, Object>(params))).put("users", u).put("channels", c)
        .put("workers", workers).put("addresses", new JsonArray(addresses)).put("usersPerAddress", usersPerAddress);
  }

  static Plan fromJson(JsonObject json) {
    List<User> users = new ArrayList<>();
    for (Object o : json.getJsonArray("users")) {
      JsonArray a = (JsonArray) o;
      users.add(new User(a.getString(0), a.getString(1)));
    }
    List<Channel> channels = new ArrayList<>();
    for (Object o : json.getJsonArray("channels")) {
      JsonObject ch = (JsonObject) o;
      List<Integer> members = new ArrayList<>();
      ch.getJsonArray("members").forEach(m -> members.add(((Number) m).intValue()));
      channels.add(new Channel(ch.getString("id"), members));
    }
    Map<String, String> params = new TreeMap<>();
    json.getJsonObject("params").forEach(e -> params.put(e.getKey(), String.valueOf(e.getValue())));
    List<String> addresses = new ArrayList<>();
    json.getJsonArray("addresses").forEach(a -> addresses.add((String) a));
    return new Plan(json.getString("workload"), URI.create(json.getString("target")), params, users, channels,
        json.getInteger("workers"), addresses, json.getInteger("usersPerAddress"));
  }
}
