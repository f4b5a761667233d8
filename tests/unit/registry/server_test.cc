// The HTTP transport: binding (no port sharing) and serving over loopback.
#include "accord/registry/server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <thread>
#include <vector>

#include "accord/registry/http_api.h"
#include "accord/registry/service.h"
#include "test_util.h"

namespace accord::registry {
namespace {

// A server on 127.0.0.1:`port` (0: any free port) that logs nowhere.
RegistryResult<std::unique_ptr<Server>> BindLoopback(Api& api, int port) {
  ServerOptions options;
  options.port = port;
  return Server::Bind(api, options, [](std::string_view) {});
}

TEST(Server, ASecondServerCannotBindAPortInUse) {
  Service service(testing::OpenStoreOrDie(":memory:"));
  Api api(service);
  auto first = BindLoopback(api, 0);
  ASSERT_TRUE(first) << first.error().message;
  auto second = BindLoopback(api, (*first)->port());
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message.find("cannot listen"), std::string::npos);
}

TEST(Server, ManyClientsConnectingAtOnceAreAllServed) {
  Service service(testing::OpenStoreOrDie(":memory:"));
  Api api(service);
  auto server = BindLoopback(api, 0);
  ASSERT_TRUE(server) << server.error().message;
  std::thread run([&] { (*server)->Run(); });
  const int port = (*server)->port();
  {
    std::vector<std::jthread> clients;
    for (int i = 0; i < 40; ++i) {
      clients.emplace_back([port] {
        httplib::Client client("127.0.0.1", port);
        auto res = client.Get("/healthz");
        EXPECT_TRUE(res && res->status == 200);
      });
    }
  }
  (*server)->Stop();
  run.join();
}

}  // namespace
}  // namespace accord::registry
