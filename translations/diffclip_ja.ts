<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>ErrorText</name>
    <message>
        <source>The model&apos;s settings are not usable (for example, sizes that do not fit together).</source>
        <translation>モデルの設定が使用できません（例：サイズの組み合わせが合っていません）。</translation>
    </message>
    <message>
        <source>The file or folder does not exist, or a file the model needs is missing.</source>
        <translation>ファイルまたはフォルダーが存在しないか、モデルに必要なファイルが見つかりません。</translation>
    </message>
    <message>
        <source>The file could not be read. Check that you may read it and that the disk works.</source>
        <translation>ファイルを読み込めませんでした。読み取り権限があること、ディスクが正常に動作していることを確認してください。</translation>
    </message>
    <message>
        <source>This is not a model file that DiffCLIP Studio can read, or it is damaged or truncated. Nothing in the file was run.</source>
        <translation>DiffCLIP Studio が読み込めるモデルファイルではないか、ファイルが壊れているか途中で切れています。ファイルの中身は一切実行していません。</translation>
    </message>
    <message>
        <source>The file is well-formed but uses something DiffCLIP Studio does not support.</source>
        <translation>ファイルの形式は正しいものの、DiffCLIP Studio が対応していない機能が使われています。</translation>
    </message>
    <message>
        <source>The weights do not fit the model&apos;s architecture: tensor shapes and configuration disagree.</source>
        <translation>重みがモデルの構成と合いません。テンソルの形状と設定が一致していません。</translation>
    </message>
    <message>
        <source>Opening the model was cancelled.</source>
        <translation>モデルを開く処理が取り消されました。</translation>
    </message>
    <message>
        <source>There is not enough memory to open this model.</source>
        <translation>このモデルを開くのに十分なメモリーがありません。</translation>
    </message>
    <message>
        <source>An unexpected error occurred. Please report it together with the details below.</source>
        <translation>予期しないエラーが発生しました。下記の詳細を添えてご報告ください。</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::ErrorBanner</name>
    <message>
        <source>Error message</source>
        <translation>エラーメッセージ</translation>
    </message>
    <message>
        <source>Shows why the last action failed</source>
        <translation>直前の操作が失敗した理由を表示します</translation>
    </message>
    <message>
        <source>Error details</source>
        <translation>エラーの詳細</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>閉じる</translation>
    </message>
    <message>
        <source>Hide this message</source>
        <translation>このメッセージを隠す</translation>
    </message>
    <message>
        <source>Dismiss error message</source>
        <translation>エラーメッセージを閉じる</translation>
    </message>
    <message>
        <source>Details: %1</source>
        <translation>詳細：%1</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::MainWindow</name>
    <message>
        <source>Start</source>
        <translation>スタート</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>モデル</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>Pages</source>
        <translation>ページ</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <extracomment>%1 is the page name, %2 its shortcut</extracomment>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>Could not open %1</source>
        <translation>%1 を開けませんでした</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open Model…</source>
        <translation>モデルを開く(&amp;O)…</translation>
    </message>
    <message>
        <source>Open Model &amp;Package Folder…</source>
        <translation>モデルパッケージのフォルダーを開く(&amp;P)…</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近使ったモデル(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>表示(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>ヘルプ(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About DiffCLIP Studio</source>
        <translation>DiffCLIP Studio について(&amp;A)</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Qt について(&amp;Q)</translation>
    </message>
    <message>
        <source>No recent models</source>
        <translation>最近使ったモデルはありません</translation>
    </message>
    <message>
        <source>&amp;Clear List</source>
        <translation>一覧を消去(&amp;C)</translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation>%1 を開きました</translation>
    </message>
    <message>
        <source>&lt;h3&gt;DiffCLIP Studio %1&lt;/h3&gt;&lt;p&gt;Inspect DiffCLIP and CLIP models on your own computer, for quality work on defect photos.&lt;/p&gt;&lt;p&gt;DiffCLIP is CLIP with differential attention (Hammoud and Ghanem, “DiffCLIP: Differential Attention Meets CLIP”, 2025).&lt;/p&gt;&lt;p&gt;Built with Qt %2; running on Qt %3.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;DiffCLIP Studio %1&lt;/h3&gt;&lt;p&gt;DiffCLIP と CLIP のモデルをお使いのコンピューター上で確認できます。不良品写真を扱う品質管理業務のためのアプリケーションです。&lt;/p&gt;&lt;p&gt;DiffCLIP は、差分アテンション（differential attention）を取り入れた CLIP です（Hammoud、Ghanem「DiffCLIP: Differential Attention Meets CLIP」、2025年）。&lt;/p&gt;&lt;p&gt;Qt %2 でビルド、Qt %3 で動作中。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>About DiffCLIP Studio</source>
        <translation>DiffCLIP Studio について</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::ModelSummaryView</name>
    <message>
        <source>Model package (folder)</source>
        <translation>モデルパッケージ（フォルダー）</translation>
    </message>
    <message>
        <source>PyTorch training checkpoint</source>
        <translation>PyTorch の学習チェックポイント</translation>
    </message>
    <message>
        <source>safetensors weights</source>
        <translation>safetensors 形式の重み</translation>
    </message>
    <message>
        <source>Preset architecture with random weights</source>
        <translation>プリセットの構成（重みはランダム）</translation>
    </message>
    <message>
        <source>From the package&apos;s config.json</source>
        <translation>パッケージの config.json から</translation>
    </message>
    <message>
        <source>From config.json next to the weights</source>
        <translation>重みと同じ場所にある config.json から</translation>
    </message>
    <message>
        <source>Inferred from the tensor shapes</source>
        <translation>テンソルの形状から推定</translation>
    </message>
    <message>
        <source>Named preset</source>
        <translation>名前付きプリセット</translation>
    </message>
    <message>
        <source>bilinear</source>
        <translation>バイリニア</translation>
    </message>
    <message>
        <source>bicubic</source>
        <translation>バイキュービック</translation>
    </message>
    <message>
        <source>area averaging</source>
        <translation>面積平均</translation>
    </message>
    <message>
        <source>nearest neighbour</source>
        <translation>最近傍</translation>
    </message>
    <message>
        <source>%1 (%2 differential pairs)</source>
        <extracomment>%1 heads, of which pairs form %2 differential heads (each pair subtracts one attention map from the other)</extracomment>
        <translation>%1（差分ペア %2 組）</translation>
    </message>
    <message>
        <source>R %1, G %2, B %3</source>
        <extracomment>Red, green and blue channel values</extracomment>
        <translation>R %1、G %2、B %3</translation>
    </message>
    <message>
        <source>Model summary</source>
        <translation>モデルの概要</translation>
    </message>
    <message>
        <source>Model location</source>
        <translation>モデルの場所</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名前：</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>形式：</translation>
    </message>
    <message>
        <source>Architecture:</source>
        <translation>アーキテクチャ：</translation>
    </message>
    <message>
        <source>Attention:</source>
        <translation>アテンション：</translation>
    </message>
    <message>
        <source>Joint embedding size:</source>
        <translation>共通埋め込みの次元数：</translation>
    </message>
    <message>
        <source>Parameters:</source>
        <translation>パラメーター数：</translation>
    </message>
    <message>
        <source>Logit scale:</source>
        <translation>ロジットスケール：</translation>
    </message>
    <message>
        <source>Vision tower</source>
        <translation>画像エンコーダー</translation>
    </message>
    <message>
        <source>Image size:</source>
        <translation>画像サイズ：</translation>
    </message>
    <message>
        <source>Patch size:</source>
        <translation>パッチサイズ：</translation>
    </message>
    <message>
        <source>Width:</source>
        <translation>幅（次元数）：</translation>
    </message>
    <message>
        <source>Depth:</source>
        <translation>深さ（ブロック数）：</translation>
    </message>
    <message>
        <source>Attention heads:</source>
        <translation>アテンションヘッド数：</translation>
    </message>
    <message>
        <source>MLP width:</source>
        <translation>MLP の幅：</translation>
    </message>
    <message>
        <source>LayerNorm epsilon:</source>
        <translation>LayerNorm のイプシロン：</translation>
    </message>
    <message>
        <source>Text tower</source>
        <translation>テキストエンコーダー</translation>
    </message>
    <message>
        <source>Context length:</source>
        <translation>コンテキスト長：</translation>
    </message>
    <message>
        <source>Vocabulary size:</source>
        <translation>語彙数：</translation>
    </message>
    <message>
        <source>Layers:</source>
        <translation>層数：</translation>
    </message>
    <message>
        <source>Image preprocessing</source>
        <translation>画像の前処理</translation>
    </message>
    <message>
        <source>Resize:</source>
        <translation>リサイズ：</translation>
    </message>
    <message>
        <source>Centre crop:</source>
        <translation>中央切り抜き：</translation>
    </message>
    <message>
        <source>Mean:</source>
        <translation>平均：</translation>
    </message>
    <message>
        <source>Standard deviation:</source>
        <translation>標準偏差：</translation>
    </message>
    <message>
        <source>Tokenizer</source>
        <translation>トークナイザー</translation>
    </message>
    <message>
        <source>Tokenizer:</source>
        <translation>トークナイザー：</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>ファイル：</translation>
    </message>
    <message>
        <source>SHA-256 checksums</source>
        <translation>SHA-256 チェックサム</translation>
    </message>
    <message>
        <source>(none recorded)</source>
        <translation>（記録なし）</translation>
    </message>
    <message>
        <source>Differential (λ initial value %1)</source>
        <translation>差分アテンション（λ 初期値 %1）</translation>
    </message>
    <message>
        <source>Standard</source>
        <translation>標準</translation>
    </message>
    <message>
        <source>%1 × %1 px</source>
        <extracomment>Image size in pixels: %1 is the width and height of the square input</extracomment>
        <translation>%1 × %1 px</translation>
    </message>
    <message>
        <source>%1 px (%2 × %2 patches)</source>
        <translation>%1 px（%2 × %2 パッチ）</translation>
    </message>
    <message>
        <source>%1 tokens</source>
        <translation>%1 トークン</translation>
    </message>
    <message>
        <source>Shorter side to %1 px, %2</source>
        <translation>短辺を %1 px に（%2）</translation>
    </message>
    <message>
        <source>None: this model can embed images but not text</source>
        <translation>なし：このモデルは画像を埋め込めますが、テキストは埋め込めません</translation>
    </message>
    <message>
        <source>CLIP byte-pair encoding, %1 merges</source>
        <translation>CLIP バイトペアエンコーディング（マージ数 %1）</translation>
    </message>
    <message>
        <source>Files:</source>
        <translation>ファイル：</translation>
    </message>
    <message>
        <source>No checksums were computed.</source>
        <translation>チェックサムは計算されていません。</translation>
    </message>
    <message>
        <source>SHA-256 of %1</source>
        <extracomment>Accessible name of a checksum; %1 is a file name</extracomment>
        <translation>%1 の SHA-256</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::ModelsPage</name>
    <message>
        <source>Open Model…</source>
        <translation>モデルを開く…</translation>
    </message>
    <message>
        <source>Open a .pt, .pth or .safetensors file</source>
        <translation>.pt、.pth、.safetensors ファイルを開きます</translation>
    </message>
    <message>
        <source>Open model file</source>
        <translation>モデルファイルを開く</translation>
    </message>
    <message>
        <source>Open Package Folder…</source>
        <translation>パッケージフォルダーを開く…</translation>
    </message>
    <message>
        <source>Open a model package: a folder with config.json and model.safetensors</source>
        <translation>モデルパッケージ（config.json と model.safetensors を含むフォルダー）を開きます</translation>
    </message>
    <message>
        <source>Open model package folder</source>
        <translation>モデルパッケージのフォルダーを開く</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>モデル</translation>
    </message>
    <message>
        <source>Open a DiffCLIP or CLIP model to see its architecture, preprocessing and checksums. You can also drop a .pt, .pth or .safetensors file or a model package folder here.</source>
        <translation>DiffCLIP または CLIP のモデルを開くと、構成・前処理・チェックサムを確認できます。.pt、.pth、.safetensors ファイルやモデルパッケージのフォルダーをここにドロップしても開けます。</translation>
    </message>
    <message>
        <source>Opening model</source>
        <translation>モデルを開いています</translation>
    </message>
    <message>
        <source>Open models</source>
        <translation>開いているモデル</translation>
    </message>
    <message>
        <source>Close Model</source>
        <translation>モデルを閉じる</translation>
    </message>
    <message>
        <source>Remove the selected model from this list (the file is not touched)</source>
        <translation>選択したモデルをこの一覧から外します（ファイル自体はそのままです）</translation>
    </message>
    <message>
        <source>Close selected model</source>
        <translation>選択したモデルを閉じる</translation>
    </message>
    <message>
        <source>Open models:</source>
        <translation>開いているモデル：</translation>
    </message>
    <message>
        <source>No model is open.
Choose Open Model… or drop a model file or package folder onto this window.</source>
        <translation>モデルが開かれていません。
「モデルを開く…」を選ぶか、モデルファイルまたはパッケージフォルダーをこのウィンドウにドロップしてください。</translation>
    </message>
    <message>
        <source>Copy Summary</source>
        <translation>概要をコピー</translation>
    </message>
    <message>
        <source>Copy the whole summary as text, for a report or a support request</source>
        <translation>概要全体をテキストとしてコピーします（報告書や問い合わせ用）</translation>
    </message>
    <message>
        <source>Copy model summary</source>
        <translation>モデルの概要をコピー</translation>
    </message>
    <message>
        <source>Models (*.pt *.pth *.safetensors);;All files (*)</source>
        <translation>モデル (*.pt *.pth *.safetensors);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Open Model</source>
        <translation>モデルを開く</translation>
    </message>
    <message>
        <source>Open Model Package Folder</source>
        <translation>モデルパッケージのフォルダーを開く</translation>
    </message>
    <message>
        <source>Could not open “%1”</source>
        <translation>「%1」を開けませんでした</translation>
    </message>
    <message>
        <source>Opening “%1”… Reading and checking the weights can take a while for large models.</source>
        <translation>「%1」を開いています… 大きなモデルでは、重みの読み込みと検査に時間がかかることがあります。</translation>
    </message>
    <message>
        <source>%1 more waiting.</source>
        <translation>ほかに %1 件が待機中です。</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::SettingsPage</name>
    <message>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>言語</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>システムの設定に従う</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>テーマ</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>ライト</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>ダーク</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>外観</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>言語(&amp;L)：</translation>
    </message>
    <message>
        <source>&amp;Theme:</source>
        <translation>テーマ(&amp;T)：</translation>
    </message>
    <message>
        <source>Light and Dark use the Fusion style; System default uses the look of your desktop.</source>
        <translation>ライトとダークでは Fusion スタイルを使います。「システムの設定に従う」ではデスクトップの外観を使います。</translation>
    </message>
    <message>
        <source>CPU threads</source>
        <translation>CPU スレッド数</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>自動</translation>
    </message>
    <message>
        <source>Performance</source>
        <translation>パフォーマンス</translation>
    </message>
    <message>
        <source>Threads used when a model runs on the CPU. Automatic (0) picks a number that suits this processor and precision. Logical processors in this computer: %1.</source>
        <translation>モデルを CPU で実行するときに使うスレッド数です。自動（0）では、このプロセッサーと計算精度に合った数を選びます。このコンピューターの論理プロセッサー数：%1。</translation>
    </message>
    <message>
        <source>The new language is used after you restart DiffCLIP Studio.</source>
        <translation>新しい言語は DiffCLIP Studio の再起動後に使われます。</translation>
    </message>
    <message>
        <source>A change of language takes effect after a restart.</source>
        <translation>言語の変更は再起動後に反映されます。</translation>
    </message>
    <message>
        <source>CPU t&amp;hreads:</source>
        <translation>CPU スレッド数(&amp;H)：</translation>
    </message>
</context>
<context>
    <name>diffclip::ui::StartPage</name>
    <message>
        <source>Command</source>
        <translation>コマンド</translation>
    </message>
    <message>
        <source>Welcome to DiffCLIP Studio</source>
        <translation>DiffCLIP Studio へようこそ</translation>
    </message>
    <message>
        <source>DiffCLIP Studio brings DiffCLIP to quality work on defect photos. DiffCLIP is CLIP, a model that places images and text in one shared space, with differential attention: each attention head subtracts a second attention map from the first, which cancels attention noise and keeps the focus on the object. Everything runs on this computer; no photo or model leaves it. This version opens models and shows their architecture, parameters, preprocessing and checksums.</source>
        <translation>DiffCLIP Studio は、DiffCLIP を不良品写真の品質管理業務に活用するためのアプリケーションです。DiffCLIP は、画像とテキストを同じ空間に対応づけるモデル CLIP に、差分アテンションを取り入れたものです。各アテンションヘッドが 1 つ目のアテンションマップから 2 つ目を差し引くことで、アテンションのノイズを打ち消し、対象物に焦点を保ちます。処理はすべてこのコンピューター上で行われ、写真やモデルが外部に送られることはありません。このバージョンでは、モデルを開いて構成・パラメーター・前処理・チェックサムを確認できます。</translation>
    </message>
    <message>
        <source>Getting started</source>
        <translation>はじめに</translation>
    </message>
    <message>
        <source>Open a model: a DiffCLIP or CLIP training checkpoint (.pt, .pth), a .safetensors file, or a model package folder. You can also drop it onto this window.</source>
        <translation>まずモデルを開きます。DiffCLIP または CLIP の学習チェックポイント（.pt、.pth）、.safetensors ファイル、モデルパッケージのフォルダーを開けます。このウィンドウにドロップしても開けます。</translation>
    </message>
    <message>
        <source>Open Model…</source>
        <translation>モデルを開く…</translation>
    </message>
    <message>
        <source>Open model file</source>
        <translation>モデルファイルを開く</translation>
    </message>
    <message>
        <source>Open Package Folder…</source>
        <translation>パッケージフォルダーを開く…</translation>
    </message>
    <message>
        <source>Open model package folder</source>
        <translation>モデルパッケージのフォルダーを開く</translation>
    </message>
    <message>
        <source>For the public DiffCLIP checkpoints, the command-line tool can first convert the checkpoint into a model package (weights as safetensors, the configuration and the tokenizer in one folder):</source>
        <translation>公開されている DiffCLIP のチェックポイントは、コマンドラインツールで先にモデルパッケージ（safetensors 形式の重み・設定・トークナイザーをまとめたフォルダー）に変換できます：</translation>
    </message>
    <message>
        <source>Recent models</source>
        <translation>最近使ったモデル</translation>
    </message>
    <message>
        <source>No models opened yet.</source>
        <translation>まだモデルを開いていません。</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>開く</translation>
    </message>
    <message>
        <source>Open the selected recent model</source>
        <translation>選択した最近のモデルを開く</translation>
    </message>
    <message>
        <source>Clear List</source>
        <translation>一覧を消去</translation>
    </message>
    <message>
        <source>Clear the list of recent models</source>
        <translation>最近使ったモデルの一覧を消去</translation>
    </message>
    <message>
        <source>%1 (not found)</source>
        <translation>%1（見つかりません）</translation>
    </message>
    <message>
        <source>%1 no longer exists or is on a drive that is not connected.</source>
        <translation>%1 は存在しないか、接続されていないドライブ上にあります。</translation>
    </message>
    <message>
        <source>To check that the model computes what the reference implementation computes, compare it with reference outputs saved from that implementation:</source>
        <translation>モデルが参照実装と同じ計算結果を出すかどうかは、参照実装で保存した出力と比べて確認できます：</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>DiffCLIP Studio</source>
        <translation>DiffCLIP Studio</translation>
    </message>
    <message>
        <source>DiffCLIP Studio: inspect DiffCLIP and CLIP models on this computer.</source>
        <translation>DiffCLIP Studio：DiffCLIP と CLIP のモデルをこのコンピューター上で確認します。</translation>
    </message>
    <message>
        <source>Language of the user interface for this session: en or ja.</source>
        <translation>今回の起動で使う表示言語：en または ja。</translation>
    </message>
    <message>
        <source>code</source>
        <translation>コード</translation>
    </message>
    <message>
        <source>Open this model (a file or a model package folder) at start.</source>
        <translation>起動時にこのモデル（ファイルまたはモデルパッケージのフォルダー）を開きます。</translation>
    </message>
    <message>
        <source>path</source>
        <translation>パス</translation>
    </message>
    <message>
        <source>Save a picture of each page as &lt;page&gt;-&lt;language&gt;.png in this folder (after the model given with --model is open), then quit.</source>
        <translation>--model で指定したモデルを開いてから、各ページの画像をこのフォルダーに &lt;page&gt;-&lt;language&gt;.png として保存し、終了します。</translation>
    </message>
    <message>
        <source>folder</source>
        <translation>フォルダー</translation>
    </message>
    <message>
        <source>Unknown language &quot;%1&quot;; use one of: %2.</source>
        <translation>不明な言語「%1」です。次のいずれかを指定してください：%2。</translation>
    </message>
</context>
</TS>
