job "nightly-cleanup" {
  datacenters = ["dc1"]
  type        = "batch"

  periodic {
    crons            = ["0 3 * * *"]
    prohibit_overlap = true
  }

  group "cleanup" {
    task "vacuum" {
      driver = "docker"

      config {
        image = "shop/cleanup:1.2"
      }
    }
  }
}
