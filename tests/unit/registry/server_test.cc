// The HTTP transport: binding (no port sharing) and serving over loopback.
#include "accord/registry/server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

#include "accord/registry/http_api.h"
#include "accord/registry/service.h"
#include "test_util.h"

namespace accord::registry {
namespace {

TEST(Server, ASecondServerCannotBindAPortInUse) {
  Service service(testing::OpenStoreOrDie(":memory:"));
  Api api(service);
  ServerOptions options;
  options.port = 0;
  auto first = Server::Bind(api, options, [](std::string_view) {});
  ASSERT_TRUE(first) << first.error().message;
  options.port = (*first)->port();
  auto second = Server::Bind(api, options, [](std::string_view) {});
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message.find("cannot listen"), std::string::npos);
}

TEST(Server, ManyClientsConnectingAtOnceAreAllServed) {
  Service service(testing::OpenStoreOrDie(":memory:"));
  Api api(service);
  ServerOptions options;
  options.port = 0;
  auto server = Server::Bind(api, options, [](std::string_view) {});
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
