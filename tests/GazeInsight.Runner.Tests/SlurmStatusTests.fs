/// A cell's state with its Slurm task, and sacct's lines (pure).
module GazeInsight.Runner.Tests.SlurmStatusTests

open Expecto
open GazeInsight.Experiments
open GazeInsight.Runner.SlurmArray
open GazeInsight.Runner.SlurmExecutor

let private submission = { Submission.JobId = "12"; Index = 3; CellId = "abc" }
let private task state = Some(submission, Some { JobId = "12"; Index = 3; State = state })
let private gone = Some(submission, None)

[<Tests>]
let tests =
    testList
        "Slurm status (pure)"
        [ test "a queued task's cell is queued, and requeued when it was interrupted before" {
              Expect.equal (cellState Plan.Pending None (task "PENDING") None) ("queued", "slurm 12_3 PENDING") "pending task"
              Expect.equal (fst (cellState Plan.Interrupted (Some "10:00:00 interrupted (resumes from its last checkpoint)") (task "PENDING") None)) "requeued" "interrupted, queued again"
              Expect.equal (fst (cellState (Plan.Failed "boom") None (task "PENDING") None)) "queued" "a failed cell submitted again"
          }

          test "the cell folder's finished and running win over the task's state" {
              Expect.equal (fst (cellState Plan.Finished None gone None)) "finished" "finished"
              Expect.equal (cellState Plan.Running None (task "RUNNING") None) ("running", "slurm 12_3 RUNNING") "running"
          }

          test "a task that ended without results or a recorded interruption is failed, with its log's last line" {
              let state, detail = cellState Plan.Interrupted (Some "10:00:00 start on cpu (pid 7)") (task "CANCELLED") (Some "slurmstepd: error: *** JOB 12 CANCELLED ***")
              Expect.equal state "failed" "killed"
              Expect.stringContains detail "slurm 12_3 CANCELLED" "names the task"
              Expect.stringContains detail "JOB 12 CANCELLED" "the task log's last line"
              Expect.equal (fst (cellState Plan.Pending None gone None)) "failed" "a task that never started the cell"
              let cancelled, why = cellState Plan.Interrupted (Some "10:00:01 interrupted (resumes from its last checkpoint)") (task "CANCELLED") None
              Expect.equal cancelled "failed" "scancel's SIGTERM stopped it at a checkpoint, but it was cancelled"
              Expect.stringContains why "cancelled" "says so"
          }

          test "an interruption the cell recorded stays interrupted; a recorded failure keeps its reason" {
              Expect.equal (fst (cellState Plan.Interrupted (Some "10:00:01 interrupted (resumes from its last checkpoint)") (task "FAILED") None)) "interrupted" "SIGTERM"
              let state, detail = cellState (Plan.Failed "InvalidOperationException: boom") None (task "FAILED") (Some "boom")
              Expect.equal state "failed" "failed"
              Expect.stringContains detail "InvalidOperationException: boom" "the reason"
          }

          test "a cell never submitted keeps the folder's state" {
              Expect.equal (cellState Plan.Pending None None None) ("pending", "") "pending"
          }

          test "sacct -P -X lines become tasks; 'CANCELLED by 0' is CANCELLED; the array's own line is dropped" {
              Expect.equal
                  (parseSacct "12_0|COMPLETED\n12_1|CANCELLED by 0\n12_[2-3]|PENDING\n13|COMPLETED\n")
                  [ { JobId = "12"; Index = 0; State = "COMPLETED" }; { JobId = "12"; Index = 1; State = "CANCELLED" } ]
                  "tasks"
          } ]
